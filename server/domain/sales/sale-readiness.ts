import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import { addressIdInput } from "~/server/domain/orders/address-snapshot.ts";

export const saleReadinessInput = z.object({ saleId: idField() });
export const updateSaleReadinessInput = z.object({ saleId: idField(), addressId: addressIdInput });
export type UpdateSaleReadinessInput = z.infer<typeof updateSaleReadinessInput>;

/**
 * How a won hold is paid. The card (the provider's widget) is the only method there is, so it is shown ahead of time
 * but not stored: a stored choice with one option would be a column nobody could change.
 */
export const SALE_PAYMENT_METHOD = "CARD" as const;

/** The caller's preparation for a sale: the address their win will ship to (null until they pick one). */
export async function getSaleReadiness(deps: DepsOf<"db">, input: { userId: string; saleId: number }) {
  const readiness = await deps.db.saleReadiness.findUnique({
    where: { saleId_userId: { saleId: input.saleId, userId: input.userId } },
    select: { addressId: true },
  });
  return { saleId: input.saleId, addressId: readiness?.addressId ?? null, paymentMethod: SALE_PAYMENT_METHOD };
}

/**
 * Ready before the drop: stores which of the caller's addresses a win of this sale ships to, so the pay page can
 * preselect it and paying is one tap. Only the caller's own address is accepted (another user's answers NOT_FOUND,
 * like a missing one). A sale that can no longer be bought refuses: there is nothing left to prepare for.
 */
export async function updateSaleReadiness(deps: DepsOf<"db" | "clock">, input: UpdateSaleReadinessInput & { userId: string }) {
  const [sale, address] = await Promise.all([
    deps.db.sale.findUnique({ where: { id: input.saleId }, select: { state: true, closesAt: true } }),
    deps.db.address.findFirst({ where: { id: input.addressId, userId: input.userId }, select: { id: true } }),
  ]);
  if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
  if (sale.state === "CLOSED" || sale.state === "SOLD_OUT" || (sale.closesAt && sale.closesAt <= deps.clock.now())) {
    throw new DomainError("INVALID_STATE", "이미 끝난 세일입니다.");
  }
  if (!address) throw new DomainError("NOT_FOUND", "배송지를 찾을 수 없습니다.", { details: { field: "addressId" } });

  await deps.db.saleReadiness.upsert({
    where: { saleId_userId: { saleId: input.saleId, userId: input.userId } },
    create: { saleId: input.saleId, userId: input.userId, addressId: address.id },
    update: { addressId: address.id },
  });
  return { saleId: input.saleId, addressId: address.id, paymentMethod: SALE_PAYMENT_METHOD };
}
