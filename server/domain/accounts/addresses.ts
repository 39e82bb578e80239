import type { Db } from "~/server/db.ts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** At most this many saved addresses per account. */
export const MAX_ADDRESSES = 20;

/**
 * Serialises every address write of one user (create, delete, set default) on the User row, so "exactly one default"
 * holds even when two tabs change defaults at the same moment.
 */
export async function lockUserAddresses(tx: Tx, userId: string) {
  await tx.$queryRaw`SELECT id FROM \`User\` WHERE id = ${userId} FOR UPDATE`;
}
