import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { addressFields } from "~/server/domain/accounts/account-fields.ts";
import { ADDRESS_NOT_FOUND } from "~/server/domain/accounts/get-address.ts";
import { addressSelect, encryptAddressFields, toAddressDto } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const updateAddressInput = z.object({ id: z.number().int().positive(), data: addressFields });
export type UpdateAddressInput = z.infer<typeof updateAddressInput>;

/** Edits the fields of one of the user's own addresses; default-ness changes only through setDefaultAddress. */
export async function updateAddress(deps: DepsOf<"db" | "config">, input: UpdateAddressInput & { userId: string }) {
  // The owner is part of the WHERE: another user's id updates nothing and reads as NOT_FOUND.
  const updated = await deps.db.address.updateMany({ where: { id: input.id, userId: input.userId }, data: encryptAddressFields(input.data, deps.config.pii) });
  if (updated.count === 0) throw new DomainError("NOT_FOUND", ADDRESS_NOT_FOUND);
  const row = await deps.db.address.findUniqueOrThrow({ where: { id: input.id }, select: addressSelect });
  return toAddressDto(row, deps.config.pii);
}
