import type { Db } from "~/server/db.ts";
import type { ProductStatus } from "~/server/generated/prisma/enums.ts";

export type SelectedCartLine = {
  cartItemId: number;
  productId: number;
  name: string;
  /** Current product price in KRW, read now; the cart never stores prices. */
  unitPrice: number;
  quantity: number;
  stock: number;
  status: ProductStatus;
};

/**
 * For checkout "from cart": every ticked line with the product's current name, price, stock and status. Lines that
 * can no longer be bought are included on purpose, so checkout can name the item it refuses instead of silently
 * ordering less than the shopper saw. Takes any client with `cartItem`, so it can run inside a transaction.
 */
export async function getSelectedCartLines(deps: { db: Pick<Db, "cartItem"> }, userId: string): Promise<SelectedCartLine[]> {
  const rows = await deps.db.cartItem.findMany({
    where: { userId, isSelected: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      quantity: true,
      product: { select: { id: true, name: true, price: true, stock: true, status: true } },
    },
  });
  return rows.map((row) => ({
    cartItemId: row.id,
    productId: row.product.id,
    name: row.product.name,
    unitPrice: row.product.price,
    quantity: row.quantity,
    stock: row.product.stock,
    status: row.product.status,
  }));
}
