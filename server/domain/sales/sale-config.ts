/**
 * Redis keeps a hold a little past its payment deadline, so a payment that MySQL accepted just before the deadline
 * reaches Redis before the unit is offered again. MySQL's deadline check stays exact.
 */
export const HOLD_GRACE_MS = 2_000;
/** Overdue holds cleaned per reservation call: bounds the script's work on the hot path. */
export const MAX_OVERDUE_CLEANUP_PER_CALL = 50;
/** Sale keys live this long after a sale closes; a later request rebuilds them from MySQL if needed. */
export const SALE_KEYS_TTL_AFTER_CLOSE_S = 7 * 24 * 3600;

/** Statuses in which a sale order's unit counts as sold (a requested return is still sold until it completes). */
export const SOLD_ORDER_STATUSES = ["PAID", "SHIPPING", "DELIVERED", "CONFIRMED", "RETURN_REQUESTED"] as const;
/**
 * A split sale (sale-buckets.ts) whose buckets all had nothing free is answered sold out by this instance for this
 * long without asking the other buckets again. A unit freed meanwhile (an expired or cancelled hold) in another
 * bucket than the buyer's waits at most this long to be moved.
 */
export const SOLD_OUT_HINT_MS = 250;
