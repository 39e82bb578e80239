import { eventType } from "inngest";
import { z } from "zod";

/** A sale was created or its open time changed: wake up exactly at the new open time. */
export const saleScheduled = eventType("shop/sale.scheduled", {
  schema: z.object({ saleId: z.number().int(), opensAt: z.string() }),
});

/** A sale moved to OPEN (written to the outbox in the same transaction as the state change). */
export const saleOpened = eventType("shop/sale.opened", {
  schema: z.object({ saleId: z.number().int() }),
});

/** Asks for one due-work sweep now (e.g. after an admin action) instead of waiting for the next cron tick. */
export const dueWorkRequested = eventType("shop/due-work.requested", {
  schema: z.object({ reason: z.string() }),
});
