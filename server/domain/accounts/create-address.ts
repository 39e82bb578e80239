import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { addressFields } from "~/server/domain/accounts/account-fields.ts";
import { lockUserAddresses, MAX_ADDRESSES } from "~/server/domain/accounts/addresses.ts";
import { addressSelect, encryptAddressFields, toAddressDto } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const createAddressInput = addressFields.extend({ isDefault: z.boolean().default(false) });
export type CreateAddressInput = z.input<typeof createAddressInput>;

/** Adds an address; the first one, or one marked default, becomes the only default. */
export async function createAddress(deps: DepsOf<"db" | "config">, input: z.output<typeof createAddressInput> & { userId: string }) {
  const { userId, isDefault, ...fields } = input;
  const row = await deps.db.$transaction(async (tx) => {
    await lockUserAddresses(tx, userId);
    const count = await tx.address.count({ where: { userId } });
    if (count >= MAX_ADDRESSES) throw new DomainError("CONFLICT", `배송지는 최대 ${MAX_ADDRESSES}개까지 저장할 수 있습니다.`);

    const becomesDefault = isDefault || count === 0;
    if (becomesDefault) await tx.address.updateMany({ where: { userId, isDefault: true }, data: { isDefault: false } });
    return tx.address.create({ data: { ...encryptAddressFields(fields, deps.config.pii), userId, isDefault: becomesDefault }, select: addressSelect });
  });
  return toAddressDto(row, deps.config.pii);
}
