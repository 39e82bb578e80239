import type { DepsOf } from "~/server/deps.ts";
import { cartLineIssue, maxCartQuantity } from "~/server/domain/cart/cart-rules.ts";
import { cartLineSelect } from "~/server/domain/cart/select.ts";

/**
 * The shopper's cart, priced now from current product rows (never from anything the client sent). A line that
 * cannot be bought as it stands carries an `issue` and counts toward no total, even when ticked: the selected total
 * is what checkout would charge for the ticked lines.
 */
export async function getCart(deps: DepsOf<"db">, input: { userId: string }) {
  const rows = await deps.db.cartItem.findMany({
    where: { userId: input.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: cartLineSelect,
  });

  const lines = rows.map((row) => {
    const issue = cartLineIssue(row.product, row.quantity);
    return {
      id: row.id,
      quantity: row.quantity,
      isSelected: row.isSelected,
      product: row.product,
      unitPrice: row.product.price,
      lineTotal: row.product.price * row.quantity,
      maxQuantity: maxCartQuantity(row.product),
      issue,
      isPurchasable: issue === null,
    };
  });

  const selected = lines.filter((line) => line.isSelected && line.isPurchasable);
  return {
    lines,
    lineCount: lines.length,
    isAllSelected: lines.length > 0 && lines.every((line) => line.isSelected),
    selectedLineCount: selected.length,
    selectedQuantity: selected.reduce((sum, line) => sum + line.quantity, 0),
    selectedTotal: selected.reduce((sum, line) => sum + line.lineTotal, 0),
  };
}

/** Number of lines, for the header badge: one indexed COUNT on the (userId, productId) key. */
export async function countCartItems(deps: DepsOf<"db">, input: { userId: string }) {
  return { count: await deps.db.cartItem.count({ where: { userId: input.userId } }) };
}
