import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { isProductBuyable } from "~/server/domain/restock/record-restock.ts";
import { targetPath, type RestockTarget } from "~/server/domain/restock/restock-target.ts";
import { salePhase } from "~/server/domain/sales/get-sale.ts";
import { readSaleStatus } from "~/server/domain/sales/sale-state.ts";

/**
 * BUYABLE: it can be bought now (no alert needed; a restock mail may go out). SOLD_OUT: nothing to buy now, but
 * units may come back (a product's stock, a live sale's held or returned units): the alert's case. ENDED: a sale that
 * is not live (not open yet, paused, closed), where nothing can come back to buy.
 */
export type RestockTargetState = {
  state: "BUYABLE" | "SOLD_OUT" | "ENDED";
  isSale: boolean;
  productName: string;
  price: number;
  /** The page the alert links to. */
  path: string;
};

/** What reading a target needs: MySQL, the clock, and whatever the sale's live counters are read with. */
export type RestockTargetDeps = DepsOf<"db" | "clock"> & Parameters<typeof readSaleStatus>[0];

/** What an alert's target looks like right now, from MySQL and (for a sale) the live Redis counters. */
export async function readRestockTargetState(deps: RestockTargetDeps, target: RestockTarget): Promise<RestockTargetState> {
  if (target.productId !== undefined) {
    const product = await deps.db.product.findUnique({ where: { id: target.productId }, select: { name: true, price: true, stock: true, status: true } });
    if (!product || product.status === "DISCONTINUED") throw new DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.");
    return { state: isProductBuyable(product) ? "BUYABLE" : "SOLD_OUT", isSale: false, productName: product.name, price: product.price, path: targetPath(target) };
  }

  const sale = await deps.db.sale.findUnique({
    where: { id: target.saleId },
    select: { state: true, opensAt: true, closesAt: true, salePrice: true, product: { select: { name: true } } },
  });
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  const phase = salePhase(sale, await readSaleStatus(deps, target.saleId), deps.clock.now());
  const state = phase === "OPEN" ? "BUYABLE" : phase === "SOLD_OUT" ? "SOLD_OUT" : "ENDED";
  return { state, isSale: true, productName: sale.product.name, price: sale.salePrice, path: targetPath(target) };
}
