import { z } from "zod";

import { decryptOptionalPii, decryptPii } from "~/server/crypto/pii.ts";
import type { DepsOf } from "~/server/deps.ts";
import { addressOrderBy, addressSelect, toAddressDto } from "~/server/domain/accounts/select.ts";
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
      addresses: { orderBy: addressOrderBy, select: addressSelect },
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

  const keyring = deps.config.pii;
  return {
    id: user.id,
    email: decryptPii(user.emailEnc, keyring),
    name: decryptPii(user.nameEnc, keyring),
    phone: decryptOptionalPii(user.phoneEnc, keyring),
    addresses: user.addresses.map((address) => toAddressDto(address, keyring)),
  };
}
