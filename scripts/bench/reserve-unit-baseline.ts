import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";

/**
 * The approach of the service we replace, kept only so the benchmark can measure against it on the same machine:
 * every attempt opens a MySQL transaction and locks the product row with SELECT … FOR UPDATE (the old service also
 * had no per-user limit). Served only by the benchmark's own server (scripts/bench/ceiling-server.ts, `/baseline`), never
 * by the app.
 */
export async function reserveUnitBaseline(deps: DepsOf<"db" | "clock">, input: { userId: string; saleId: number; idempotencyKey: string }) {
  return deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ productId: number; stock: number; salePrice: number; name: string }>>`
      SELECT p.id AS productId, p.stock AS stock, s.salePrice AS salePrice, p.name AS name
      FROM \`Sale\` s JOIN \`Product\` p ON p.id = s.productId WHERE s.id = ${input.saleId} FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
    if (row.stock <= 0) return { outcome: "SOLD_OUT" as const };
    await tx.product.update({ where: { id: row.productId }, data: { stock: { decrement: 1 } } });
    const now = deps.clock.now();
    const order = await tx.order.create({
      data: {
        userId: input.userId,
        idempotencyKey: input.idempotencyKey,
        totalAmount: row.salePrice,
        paymentDueAt: new Date(now.getTime() + 10 * 60_000),
        items: { create: { productId: row.productId, productName: row.name, unitPrice: row.salePrice, quantity: 1, lineTotal: row.salePrice } },
      },
      select: { id: true },
    });
    return { outcome: "WON" as const, orderId: order.id };
  });
}
