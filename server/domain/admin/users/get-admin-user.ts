import { z } from "zod";

import { decryptOptionalPii, decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { auditEntrySelect, recordAudit } from "~/server/domain/admin/audit-log.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const adminUserIdInput = z.object({ id: z.string().trim().min(1).max(32) });

export const revealUserPersonalDataInput = adminUserIdInput.extend({
  reason: z.string().trim().max(200, "열람 사유는 200자 이하로 입력해 주세요.").optional(),
});
export type RevealUserPersonalDataInput = z.infer<typeof revealUserPersonalDataInput>;

/** A member without personal data: account facts, recent orders, and who looked at their data and when. */
export async function getAdminUser(deps: DepsOf<"db">, input: z.infer<typeof adminUserIdInput>) {
  const user = await deps.db.user.findUnique({
    where: { id: input.id },
    select: {
      id: true,
      role: true,
      emailVerifiedAt: true,
      sessionVersion: true,
      createdAt: true,
      updatedAt: true,
      _count: { select: { orders: true, addresses: true } },
      orders: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 10, select: { id: true, status: true, totalAmount: true, saleId: true, createdAt: true } },
    },
  });
  if (!user) throw new DomainError("NOT_FOUND", "회원을 찾을 수 없습니다.");
  const audit = await deps.db.auditLog.findMany({
    where: { targetType: "USER", targetId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: auditEntrySelect,
  });
  const { _count: counts, emailVerifiedAt, ...rest } = user;
  return { ...rest, isEmailVerified: emailVerifiedAt !== null, emailVerifiedAt, orderCount: counts.orders, addressCount: counts.addresses, audit };
}

/**
 * Decrypts a member's personal data for an admin who asked for it. The audit entry is written first: if it cannot
 * be recorded, nothing is decrypted (no unrecorded views).
 */
export async function revealUserPersonalData(deps: DepsOf<"db" | "config">, input: RevealUserPersonalDataInput & { actorId: string }) {
  const user = await deps.db.user.findUnique({
    where: { id: input.id },
    select: {
      id: true,
      emailEnc: true,
      nameEnc: true,
      phoneEnc: true,
      addresses: {
        orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }, { id: "desc" }],
        select: { id: true, label: true, recipientEnc: true, phoneEnc: true, postalCodeEnc: true, address1Enc: true, address2Enc: true, isDefault: true },
      },
    },
  });
  if (!user) throw new DomainError("NOT_FOUND", "회원을 찾을 수 없습니다.");

  await recordAudit(deps.db, {
    actorId: input.actorId,
    action: "user.pii.view",
    targetType: "USER",
    targetId: user.id,
    reason: input.reason || null,
    metadata: { fields: ["email", "name", "phone", "addresses"], addressCount: user.addresses.length },
  });

  return {
    id: user.id,
    email: decryptPii(user.emailEnc, deps.config.pii),
    name: decryptPii(user.nameEnc, deps.config.pii),
    phone: decryptOptionalPii(user.phoneEnc, deps.config.pii),
    addresses: user.addresses.map((address) => ({
      id: address.id,
      label: address.label,
      recipient: decryptPii(address.recipientEnc, deps.config.pii),
      phone: decryptPii(address.phoneEnc, deps.config.pii),
      postalCode: decryptPii(address.postalCodeEnc, deps.config.pii),
      address1: decryptPii(address.address1Enc, deps.config.pii),
      address2: decryptOptionalPii(address.address2Enc, deps.config.pii),
      isDefault: address.isDefault,
    })),
  };
}
