import { randomUUID } from "node:crypto";

import type { Db } from "~/server/db.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

/** A far-future base time for order tests on the shared database: other files' due-work sweeps (run at today's or
 * near-future clocks) never reach these deadlines, and ours never reach theirs because we only run per-order ops there. */
export const ORDER_TEST_EPOCH = new Date("2190-03-02T01:00:00.000Z");

export const newIdempotencyKey = () => randomUUID();
export const newPaymentKey = () => `tpk_${randomUUID().replaceAll("-", "")}`;

/** Removes the orders (with items, payments and their outbox events) of these users, then the users. */
export async function deleteUsersWithOrders(db: Db, userIds: string[]) {
  if (userIds.length === 0) return;
  const orders = await db.order.findMany({ where: { userId: { in: userIds } }, select: { id: true } });
  const orderIds = orders.map((order) => order.id);
  if (orderIds.length > 0) {
    await db.$executeRaw`DELETE FROM \`OutboxEvent\` WHERE JSON_UNQUOTE(JSON_EXTRACT(\`payload\`, '$.orderId')) IN (${Prisma.join(orderIds)})`;
    await db.payment.deleteMany({ where: { orderId: { in: orderIds } } });
    await db.order.deleteMany({ where: { id: { in: orderIds } } });
  }
  await db.user.deleteMany({ where: { id: { in: userIds } } });
}
