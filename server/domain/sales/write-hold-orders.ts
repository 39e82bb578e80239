import type { Db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { orderPlaced } from "~/server/domain/events.ts";
import { orderPlacedPayload } from "~/server/domain/orders/order-events.ts";
import { outboxRow } from "~/server/domain/outbox/enqueue-event.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

/** A hold Redis granted, to be written as its PENDING_PAYMENT order. Ids come from the reservation, not MySQL. */
/** createdAt comes from the app's clock when the unit was won, like the deadline beside it. */
export type HoldOrder = { orderId: string; userId: string; saleId: number; idempotencyKey: string; paymentDueAt: Date; createdAt: Date };

/** At most this many orders per INSERT … VALUES, and this many batches in flight per database client. */
const MAX_BATCH_SIZE = 200;
const MAX_BATCHES_IN_FLIGHT = 2;
/** Price and product of a sale change only before it opens; a few seconds of caching is one read per batch at most. */
const SALE_INFO_TTL_MS = 5_000;
/** How the MariaDB adapter names a row MySQL refused for its own data (not an outage): raw queries report it as P2010. */
const ROW_REJECTIONS = new Set(["UniqueConstraintViolation", "ForeignKeyConstraintViolation", "NullConstraintViolation", "LengthMismatch", "ValueOutOfRange"]);

type Pending = { hold: HoldOrder; resolve: () => void; reject: (error: unknown) => void };
type Writer = { queue: Pending[]; inFlight: number; isFlushScheduled: boolean };
const writers = new WeakMap<Db, Writer>();

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
export function writeHoldOrder(db: Db, hold: HoldOrder): Promise<void> {
  let writer = writers.get(db);
  if (!writer) {
    writer = { queue: [], inFlight: 0, isFlushScheduled: false };
    writers.set(db, writer);
  }
  const promise = new Promise<void>((resolve, reject) => writer.queue.push({ hold, resolve, reject }));
  scheduleFlush(db, writer);
  return promise;
}

function scheduleFlush(db: Db, writer: Writer) {
  if (writer.isFlushScheduled || writer.inFlight >= MAX_BATCHES_IN_FLIGHT || writer.queue.length === 0) return;
  writer.isFlushScheduled = true;
  // setImmediate runs after this turn's I/O callbacks: every winner decided in this turn joins the batch.
  setImmediate(() => {
    writer.isFlushScheduled = false;
    const batch = writer.queue.splice(0, MAX_BATCH_SIZE);
    if (batch.length === 0) return;
    writer.inFlight += 1;
    void writeBatch(db, batch).finally(() => {
      writer.inFlight -= 1;
      scheduleFlush(db, writer);
    });
    scheduleFlush(db, writer);
  });
}

async function writeBatch(db: Db, batch: Pending[]) {
  try {
    await insertHoldOrders(db, batch.map((pending) => pending.hold));
    for (const pending of batch) pending.resolve();
  } catch (error) {
    const isRowRejection = ROW_REJECTIONS.has(driverErrorKind(error) ?? "");
    if (batch.length === 1 || !isRowRejection) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    await Promise.all(batch.map((pending) => insertHoldOrders(db, [pending.hold]).then(pending.resolve, pending.reject)));
  }
}

function driverErrorKind(error: unknown): string | undefined {
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
async function insertHoldOrders(db: Db, holds: HoldOrder[]) {
  const infoBySale = new Map<number, SaleOrderInfo>();
  for (const saleId of new Set(holds.map((hold) => hold.saleId))) infoBySale.set(saleId, await saleOrderInfo(db, saleId));
  const infoOf = (hold: HoldOrder) => infoBySale.get(hold.saleId)!;

  const orders = holds.map(
    (hold) =>
      Prisma.sql`(${hold.orderId}, ${hold.userId}, ${hold.saleId}, 'PENDING_PAYMENT', ${hold.idempotencyKey}, ${infoOf(hold).salePrice}, ${hold.paymentDueAt}, ${hold.paymentDueAt}, ${hold.createdAt}, ${hold.createdAt})`,
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
    db.$executeRaw`INSERT INTO \`Order\` (id, userId, saleId, status, idempotencyKey, totalAmount, paymentDueAt, dueAt, createdAt, updatedAt) VALUES ${Prisma.join(orders)}`,
    db.$executeRaw`INSERT INTO \`OrderItem\` (orderId, productId, productName, unitPrice, quantity, lineTotal) VALUES ${Prisma.join(lines)}`,
    // The same rows enqueueEvent writes, many at once, in the transaction of the orders they announce.
    db.$executeRaw`INSERT INTO \`OutboxEvent\` (name, payload, availableAt, createdAt) VALUES ${Prisma.join(events)}`,
  ]);
}

type SaleOrderInfo = { salePrice: number; productId: number; productName: string };
const saleInfoCache = new Map<number, { promise: Promise<SaleOrderInfo>; expiresAtMs: number }>();

/** Cached as a promise, so the first winners of a sale share one read instead of racing their own. */
function saleOrderInfo(db: Db, saleId: number): Promise<SaleOrderInfo> {
  const nowMs = Date.now();
  const cached = saleInfoCache.get(saleId);
  if (cached && cached.expiresAtMs > nowMs) return cached.promise;
  const promise = db.sale.findUnique({ where: { id: saleId }, select: { salePrice: true, product: { select: { id: true, name: true } } } }).then((sale) => {
    if (!sale) throw new DomainError("NOT_FOUND", "세일을 찾을 수 없습니다.");
    return { salePrice: sale.salePrice, productId: sale.product.id, productName: sale.product.name };
  });
  saleInfoCache.set(saleId, { promise, expiresAtMs: nowMs + SALE_INFO_TTL_MS });
  promise.catch(() => {
    if (saleInfoCache.get(saleId)?.promise === promise) saleInfoCache.delete(saleId);
  });
  return promise;
}
