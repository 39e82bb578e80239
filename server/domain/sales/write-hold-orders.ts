import type { DepsOf } from "~/server/deps.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { createGroupCommit, type GroupCommitPending } from "~/server/domain/group-commit.ts";
import { orderPlaced } from "~/server/domain/events.ts";
import { orderPlacedPayload } from "~/server/domain/orders/order-events.ts";
import { outboxRow } from "~/server/domain/outbox/enqueue-event.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

/** A hold Redis granted, to be written as its PENDING_PAYMENT order. Ids come from the reservation, not MySQL. */
/** createdAt comes from the app's clock when the unit was won, like the deadline beside it. */
/** winBucket/winSeq: the bucket and its win number (reserve script), unique per sale: see lost-wins.ts. */
export type HoldOrder = { orderId: string; userId: string; saleId: number; idempotencyKey: string; paymentDueAt: Date; createdAt: Date; winBucket: number; winSeq: number };

/** At most this many orders per INSERT … VALUES, and this many batches in flight per database client. */
const MAX_BATCH_SIZE = 200;
const MAX_BATCHES_IN_FLIGHT = 2;
/** How the MariaDB adapter names a row MySQL refused for its own data (not an outage): raw queries report it as P2010. */
const ROW_REJECTIONS = new Set(["UniqueConstraintViolation", "ForeignKeyConstraintViolation", "NullConstraintViolation", "LengthMismatch", "ValueOutOfRange"]);

type Deps = DepsOf<"db" | "clock" | "saleEngine">;
type Pending = GroupCommitPending<HoldOrder, void>;

/**
 * Group commit for winning holds: resolves once the hold's order is committed, rejects if it definitely is not.
 *
 * A sale's first moments produce winners faster than one transaction per order can be written: each costs several
 * round trips plus Prisma's query planning on the event loop, and that CPU delays every losing attempt queued behind
 * it (measured: 100 winners pushed the reservation p99 from ~15 ms to 100–300 ms). Here winners that arrive in the
 * same event-loop turn, or while earlier batches are being written, share one transaction of multi-row INSERTs
 * (orders, their lines, their outbox events). A lone winner is written at once, alone.
 * If MySQL refuses a row of a batch, the batch's orders are retried one by one so a bad row cannot sink the others;
 * an outage fails the whole batch at once.
 */
export const writeHoldOrder: (deps: Deps, hold: HoldOrder) => Promise<void> = createGroupCommit<Deps, HoldOrder, void>({
  maxBatchSize: MAX_BATCH_SIZE,
  maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT,
  writeBatch,
});

async function writeBatch(deps: Deps, batch: Pending[]) {
  try {
    await insertHoldOrders(deps, batch.map((pending) => pending.item));
    for (const pending of batch) pending.resolve();
  } catch (error) {
    const isRowRejection = ROW_REJECTIONS.has(driverErrorKind(error) ?? "");
    if (batch.length === 1 || !isRowRejection) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    await Promise.all(batch.map((pending) => insertHoldOrders(deps, [pending.item]).then(pending.resolve, pending.reject)));
  }
}

/** The driver's name for why MySQL refused a statement (e.g. UniqueConstraintViolation), if it did. */
export function driverErrorKind(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const meta = error.meta as { driverAdapterError?: { cause?: { kind?: string } } } | undefined;
  return meta?.driverAdapterError?.cause?.kind;
}

/**
 * Plain parameterized multi-row INSERTs rather than createMany: Prisma's query compiler plans every createMany anew
 * for each row count and walks every row on the event loop (measured: 64 orders cost 70–250 ms of CPU that way,
 * 30–40 ms as raw SQL), and on the hot path that CPU is taken from every waiting attempt. The columns are the
 * migration's; write-hold-orders.test.ts reads every row back through Prisma. Timestamps are sent from here so they
 * are UTC like everything Prisma writes, whatever the session time zone.
 */
async function insertHoldOrders(deps: Deps, holds: HoldOrder[]) {
  const { db } = deps;
  const infoBySale = new Map<number, SaleOrderInfo>();
  for (const saleId of new Set(holds.map((hold) => hold.saleId))) infoBySale.set(saleId, await saleOrderInfo(deps, saleId));
  const infoOf = (hold: HoldOrder) => infoBySale.get(hold.saleId)!;

  const orders = holds.map(
    (hold) =>
      Prisma.sql`(${hold.orderId}, ${hold.userId}, ${hold.saleId}, ${hold.winBucket}, ${hold.winSeq}, 'PENDING_PAYMENT', ${hold.idempotencyKey}, ${infoOf(hold).salePrice}, ${hold.paymentDueAt}, ${hold.paymentDueAt}, ${hold.createdAt}, ${hold.createdAt})`,
  );
  const lines = holds.map((hold) => {
    const info = infoOf(hold);
    return Prisma.sql`(${hold.orderId}, ${info.productId}, ${info.productName}, ${info.salePrice}, 1, ${info.salePrice})`;
  });
  const events = holds.map((hold) => {
    const row = outboxRow(orderPlaced, orderPlacedPayload(hold.orderId, hold.paymentDueAt));
    return Prisma.sql`(${row.name}, ${row.payload}, ${hold.createdAt}, ${hold.createdAt})`;
  });
  await db.$transaction([
    db.$executeRaw`INSERT INTO \`Order\` (id, userId, saleId, saleWinBucket, saleWinSeq, status, idempotencyKey, totalAmount, paymentDueAt, dueAt, createdAt, updatedAt) VALUES ${Prisma.join(orders)}`,
    db.$executeRaw`INSERT INTO \`OrderItem\` (orderId, productId, productName, unitPrice, quantity, lineTotal) VALUES ${Prisma.join(lines)}`,
    // The same rows enqueueEvent writes, many at once, in the transaction of the orders they announce.
    db.$executeRaw`INSERT INTO \`OutboxEvent\` (name, payload, availableAt, createdAt) VALUES ${Prisma.join(events)}`,
  ]);
}

export type SaleOrderInfo = { salePrice: number; productId: number; productName: string };

/** Cached as a promise (the sale engine's orderInfo cache), so the first winners of a sale share one read instead of racing their own. */
function saleOrderInfo(deps: Deps, saleId: number): Promise<SaleOrderInfo> {
  return deps.saleEngine.caches.orderInfo.get(saleId, deps.clock.now().getTime(), async () => {
    const sale = await deps.db.sale.findUnique({ where: { id: saleId }, select: { salePrice: true, product: { select: { id: true, name: true } } } });
    if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
    return { salePrice: sale.salePrice, productId: sale.product.id, productName: sale.product.name };
  });
}
