import type { Db } from "~/server/db.ts";

export type GroupCommitPending<Item, Result> = { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void };

type Writer<Item, Result> = { queue: Array<GroupCommitPending<Item, Result>>; inFlight: number; isFlushScheduled: boolean };

/**
 * Group commit for writes on a hot path (winning holds, waiting-room places): `submit` resolves once the item's row is
 * committed (with what `writeBatch` settles it with). Items that arrive in the same event-loop turn, or while earlier
 * batches are being written, share one batch of at most `maxBatchSize`; at most `maxBatchesInFlight` batches run at
 * once per database client. A lone item is written at once, alone. `writeBatch` must settle every item of its batch.
 * Batches are per database client, so items written through one pool share its transactions.
 */
export function createGroupCommit<Deps extends { db: Db }, Item, Result>(options: {
  maxBatchSize: number;
  maxBatchesInFlight: number;
  writeBatch: (deps: Deps, batch: Array<GroupCommitPending<Item, Result>>) => Promise<void>;
}) {
  const writers = new WeakMap<Db, Writer<Item, Result>>();

  function scheduleFlush(deps: Deps, writer: Writer<Item, Result>) {
    if (writer.isFlushScheduled || writer.inFlight >= options.maxBatchesInFlight || writer.queue.length === 0) return;
    writer.isFlushScheduled = true;
    // setImmediate runs after this turn's I/O callbacks: every item decided in this turn joins the batch.
    setImmediate(() => {
      writer.isFlushScheduled = false;
      const batch = writer.queue.splice(0, options.maxBatchSize);
      if (batch.length === 0) return;
      writer.inFlight += 1;
      void options
        .writeBatch(deps, batch)
        .catch((error: unknown) => {
          for (const pending of batch) pending.reject(error);
        })
        .finally(() => {
          writer.inFlight -= 1;
          scheduleFlush(deps, writer);
        });
      scheduleFlush(deps, writer);
    });
  }

  return function submit(deps: Deps, item: Item): Promise<Result> {
    let writer = writers.get(deps.db);
    if (!writer) {
      writer = { queue: [], inFlight: 0, isFlushScheduled: false };
      writers.set(deps.db, writer);
    }
    const promise = new Promise<Result>((resolve, reject) => writer.queue.push({ item, resolve, reject }));
    scheduleFlush(deps, writer);
    return promise;
  };
}
