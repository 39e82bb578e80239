import { z } from "zod";

import { idField } from "~/server/domain/input-rules.ts";

/** What an alert watches: a sold-out product, or a flash sale whose units are all sold or held. */
export type RestockTarget = { productId: number; saleId?: undefined } | { saleId: number; productId?: undefined };

/** Exactly one of productId and saleId. Plain zod, so the page's island and the procedures share it. */
export const restockTargetInput = z
  .object({ productId: idField().optional(), saleId: idField().optional() })
  .refine((target) => (target.productId === undefined) !== (target.saleId === undefined), { message: "상품 또는 세일 중 하나를 골라 주세요." })
  .transform((target): RestockTarget => (target.productId !== undefined ? { productId: target.productId } : { saleId: target.saleId! }));
export type RestockTargetInput = z.input<typeof restockTargetInput>;

/** The subscription columns a target names, for Prisma where clauses and the unique keys. */
export function targetColumns(target: RestockTarget) {
  return target.productId !== undefined ? { productId: target.productId } : { saleId: target.saleId };
}

/** The target a subscription row names: exactly one of its two columns is set. */
export function targetOfRow(row: { productId: number | null; saleId: number | null }): RestockTarget {
  return row.productId !== null ? { productId: row.productId } : { saleId: row.saleId! };
}

/** The page an alert (and its mail) links to. */
export function targetPath(target: RestockTarget) {
  return target.productId !== undefined ? `/products/${target.productId}` : `/sales/${target.saleId}`;
}
