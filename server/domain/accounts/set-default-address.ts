import type { DepsOf } from "~/server/deps.ts";
import { lockUserAddresses } from "~/server/domain/accounts/addresses.ts";
import { ADDRESS_NOT_FOUND, type AddressIdInput } from "~/server/domain/accounts/get-address.ts";
import { DomainError } from "~/server/domain/errors.ts";

/** Makes one of the user's own addresses the default and every other one not, in one transaction under the user lock. */
export async function setDefaultAddress(deps: DepsOf<"db">, input: AddressIdInput & { userId: string }) {
  await deps.db.$transaction(async (tx) => {
    await lockUserAddresses(tx, input.userId);
    const address = await tx.address.findFirst({ where: { id: input.id, userId: input.userId }, select: { id: true } });
    if (!address) throw new DomainError("NOT_FOUND", ADDRESS_NOT_FOUND);

    await tx.address.updateMany({ where: { userId: input.userId, isDefault: true, id: { not: address.id } }, data: { isDefault: false } });
    await tx.address.update({ where: { id: address.id }, data: { isDefault: true } });
  });
  return { id: input.id };
}
