import type { Db } from "~/server/db.ts";
import { DomainError } from "~/server/domain/errors.ts";
import { ORDER_EVENTS } from "~/server/domain/orders/order-events.ts";
import { enqueueEvents } from "~/server/domain/outbox/enqueue-event.ts";
import { Prisma } from "~/server/generated/prisma/client.ts";

/** A hold Redis granted, to be written as its PENDING_PAYMENT order. Ids come from the reservation, not MySQL. */
export type HoldOrder = { orderId: string; userId: string; saleId: number; idempotencyKey: string; paymentDueAt: Date };

/** At most this many orders per INSERT … VALUES, and this many batches in flight per database client. */
const MAX_BATCH_SIZE = 200;
const MAX_BATCHES_IN_FLIGHT = 2;
/** Price and product of a sale change only before it opens; a few seconds of caching is one read per batch at most. */
const SALE_INFO_TTL_MS = 5_000;
/** Prisma codes for a row MySQL refused for its own data (too long, duplicate, missing parent, null), not for an outage. */
const ROW_REJECTION_CODES = new Set(["P2000", "P2002", "P2003", "P2011"]);

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
    const isRowRejection = error instanceof Prisma.PrismaClientKnownRequestError && ROW_REJECTION_CODES.has(error.code);
    if (batch.length === 1 || !isRowRejection) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    await Promise.all(batch.map((pending) => insertHoldOrders(db, [pending.hold]).then(pending.resolve, pending.reject)));
  }
}

async function insertHoldOrders(db: Db, holds: HoldOrder[]) {
  const infoBySale = new Map<number, SaleOrderInfo>();
  for (const saleId of new Set(holds.map((hold) => hold.saleId))) infoBySale.set(saleId, await saleOrderInfo(db, saleId));
  const infoOf = (hold: HoldOrder) => infoBySale.get(hold.saleId)!;

  await db.$transaction([
    db.order.createMany({
      data: holds.map((hold) => ({
        id: hold.orderId,
        userId: hold.userId,
        saleId: hold.saleId,
        status: "PENDING_PAYMENT" as const,
        idempotencyKey: hold.idempotencyKey,
        totalAmount: infoOf(hold).salePrice,
        paymentDueAt: hold.paymentDueAt,
        dueAt: hold.paymentDueAt,
      })),
    }),
    db.orderItem.createMany({
      data: holds.map((hold) => {
        const info = infoOf(hold);
        return { orderId: hold.orderId, productId: info.productId, productName: info.productName, unitPrice: info.salePrice, quantity: 1, lineTotal: info.salePrice };
      }),
    }),
    enqueueEvents(
      db,
      holds.map((hold) => ({ name: ORDER_EVENTS.placed, payload: { orderId: hold.orderId, paymentDueAt: hold.paymentDueAt.toISOString() } })),
    ),
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
