
import type { DepsOf } from "~/server/deps.ts";
import { productChangedTags, saleChangedTags } from "~/server/domain/public-pages.ts";
import { isProductBuyable, recordProductRestock, recordSaleUnitsReturned } from "~/server/domain/restock/record-restock.ts";
import { recordSaleUnitReturned, syncSaleOrderToRedis, type SaleOrderChange } from "~/server/domain/sales/sale-order-hooks.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;
type ReleasableOrder = { id: string; saleId: number | null; items: { productId: number; quantity: number }[] };
/** What a release changed beyond the order itself, for the caller to announce once its transaction has committed. */
export type ReleasedUnits = { backInStockProductIds: number[]; reopenedSaleId: number | null };

/**
 * Gives an order's units back, inside the transaction whose compare-and-set moved the order out of a holding status
 * and set stockReleasedAt: the caller's guard is what makes this run at most once per order.
 * Regular orders return Product.stock (and a sold-out product becomes buyable again); flash-sale orders keep their
 * stock in the sale, so only the sale's counters move. Rows are touched in product id order, the same order
 * placeOrder locks them in, so concurrent checkouts and releases cannot deadlock. Units that make something sold out
 * buyable again record a restock event in the same transaction, for the restock alerts, and are returned so the
 * caller can drop the pages that still say 품절 (announceReleasedUnits, after the commit).
 */
export async function releaseOrderUnits(tx: Tx, order: ReleasableOrder, options: { wasPaid: boolean }): Promise<ReleasedUnits> {
  const backInStockProductIds: number[] = [];
  if (order.saleId !== null) {
    // Unpaid holds were never counted; a paid one is uncounted only if its count happened (soldCountedAt).
    const isReopened = options.wasPaid && (await recordSaleUnitReturned(tx, { id: order.id, saleId: order.saleId }));
    await recordSaleUnitsReturned(tx, order.saleId);
    return { backInStockProductIds, reopenedSaleId: isReopened ? order.saleId : null };
  }
  const items = [...order.items].sort((a, b) => a.productId - b.productId);
  for (const item of items) {
    // The row lock taken by this update holds to commit, so the row it returns is exact: "was it buyable before these
    // units?" and "is it still marked 품절?" need no second read under concurrent releases.
    const after = await tx.product.update({ where: { id: item.productId }, data: { stock: { increment: item.quantity } }, select: { stock: true, status: true } });
    const isBackInStock = after.status === "SOLD_OUT" && after.stock > 0;
    if (isBackInStock) await tx.product.updateMany({ where: { id: item.productId }, data: { status: "AVAILABLE" } });
    const wasBuyable = isProductBuyable({ status: after.status, stock: after.stock - item.quantity });
    const isBuyable = isProductBuyable({ status: isBackInStock ? "AVAILABLE" : after.status, stock: after.stock });
    if (!wasBuyable && isBuyable) {
      await recordProductRestock(tx, item.productId);
      backInStockProductIds.push(item.productId);
    }
  }
  return { backInStockProductIds, reopenedSaleId: null };
}

/**
 * After a release has committed: pages showing a product that is buyable again, or a sold-out sale that is back on
 * sale, are dropped, and Redis hears of a sale order's release.
 */
export async function announceReleasedUnits(
  deps: DepsOf<"saleEngine" | "db" | "redis" | "clock" | "invalidatePublicPages">,
  order: { id: string; saleId: number | null; userId: string },
  released: ReleasedUnits,
) {
  for (const productId of released.backInStockProductIds) deps.invalidatePublicPages(productChangedTags(productId));
  if (released.reopenedSaleId !== null) deps.invalidatePublicPages(saleChangedTags(released.reopenedSaleId));
  await syncSaleOrderAfterCommit(deps, order, "released");
}

/** After a sale order's change has committed, tell Redis (best effort: syncSaleOrderToRedis logs and moves on). */
export async function syncSaleOrderAfterCommit(
  deps: DepsOf<"saleEngine" | "db" | "redis" | "clock">,
  order: { id: string; saleId: number | null; userId: string },
  change: SaleOrderChange,
) {
  if (order.saleId === null) return;
  await syncSaleOrderToRedis(deps, { id: order.id, saleId: order.saleId, userId: order.userId }, change);
}
