import type { Db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { idField } from "~/server/domain/input-rules.ts";
import type { Prisma } from "~/server/generated/prisma/client.ts";

/** An id of one of the caller's saved addresses, as checkout and payment accept it. */
export const addressIdInput = idField("배송지를 선택해 주세요.");

/**
 * The encrypted address columns an order copies from the buyer's Address row. The ciphertext is copied as is (no
 * decrypt/re-encrypt round trip), so later edits or deletion of the saved address never change an order.
 */
export const addressSnapshotSelect = {
  recipientEnc: true,
  phoneEnc: true,
  postalCodeEnc: true,
  address1Enc: true,
  address2Enc: true,
} satisfies Prisma.AddressSelect;

export type AddressSnapshot = Prisma.AddressGetPayload<{ select: typeof addressSnapshotSelect }>;

/** The snapshot of one of the user's own addresses; another user's address answers NOT_FOUND, like a missing one. */
export async function loadAddressSnapshot(db: Db | Prisma.TransactionClient, input: { userId: string; addressId: number }): Promise<AddressSnapshot> {
  const address = await db.address.findFirst({ where: { id: input.addressId, userId: input.userId }, select: addressSnapshotSelect });
  if (!address) throw new DomainError("NOT_FOUND", "배송지를 찾을 수 없습니다.");
  return address;
}

/** Whether an order carries a complete shipping address (address2 is optional). */
export function hasAddressSnapshot(order: { recipientEnc: string | null; phoneEnc: string | null; postalCodeEnc: string | null; address1Enc: string | null }) {
  return order.recipientEnc !== null && order.phoneEnc !== null && order.postalCodeEnc !== null && order.address1Enc !== null;
}
