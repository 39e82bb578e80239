import type { DepsOf } from "~/server/deps.ts";
import { lockUserAddresses } from "~/server/domain/accounts/addresses.ts";
import { ADDRESS_NOT_FOUND, type AddressIdInput } from "~/server/domain/accounts/get-address.ts";
import { DomainError } from "~/server/domain/errors.ts";

/** Deletes one of the user's own addresses. Deleting the default promotes the newest remaining one. */
export async function deleteAddress(deps: DepsOf<"db">, input: AddressIdInput & { userId: string }) {
  await deps.db.$transaction(async (tx) => {
    await lockUserAddresses(tx, input.userId);
    const address = await tx.address.findFirst({ where: { id: input.id, userId: input.userId }, select: { id: true, isDefault: true } });
    if (!address) throw new DomainError("NOT_FOUND", ADDRESS_NOT_FOUND);

    await tx.address.delete({ where: { id: address.id } });
    if (!address.isDefault) return;
    const next = await tx.address.findFirst({ where: { userId: input.userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    if (next) await tx.address.update({ where: { id: next.id }, data: { isDefault: true } });
  });
  return { id: input.id };
}
