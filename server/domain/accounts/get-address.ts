import { z } from "zod";

import type { DepsOf } from "~/server/deps.ts";
import { addressSelect, toAddressDto } from "~/server/domain/accounts/select.ts";
import { DomainError } from "~/server/domain/errors.ts";

export const addressIdInput = z.object({ id: z.number().int().positive() });
export type AddressIdInput = z.infer<typeof addressIdInput>;

export const ADDRESS_NOT_FOUND = "배송지를 찾을 수 없습니다.";

/**
 * One of the user's own addresses (checkout copies it into the order). Another user's id is NOT_FOUND, exactly like an
 * id that does not exist.
 */
export async function getAddress(deps: DepsOf<"db" | "config">, input: AddressIdInput & { userId: string }) {
  const row = await deps.db.address.findFirst({ where: { id: input.id, userId: input.userId }, select: addressSelect });
  if (!row) throw new DomainError("NOT_FOUND", ADDRESS_NOT_FOUND);
  return toAddressDto(row, deps.config.pii);
}
