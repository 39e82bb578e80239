import type { DepsOf } from "~/server/deps.ts";
import { addressOrderBy, addressSelect, toAddressDto } from "~/server/domain/accounts/select.ts";

/** The user's own addresses, default first. */
export async function listAddresses(deps: DepsOf<"db" | "config">, input: { userId: string }) {
  const rows = await deps.db.address.findMany({ where: { userId: input.userId }, select: addressSelect, orderBy: addressOrderBy });
  return rows.map((row) => toAddressDto(row, deps.config.pii));
}
