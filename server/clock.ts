/** Time comes from a clock passed in, so tests and the e2e clock hook can move it without sleeping. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(start: Date | string | number) {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(to: Date | string | number) {
      current = new Date(to).getTime();
    },
    advance(milliseconds: number) {
      current += milliseconds;
    },
  };
}
export type FixedClock = ReturnType<typeof fixedClock>;

/**
 * The clock the running app uses. With ENABLE_TEST_CLOCK (e2e only) it is the system clock plus an offset that the
 * test hook moves, shared through globalThis so the Node server, Next's bundles and the due-work runner agree.
 */
const globalForClock = globalThis as unknown as { flashmartClockOffsetMs?: number };

export const adjustableClock: Clock & { advance(ms: number): void; reset(): void; offsetMs(): number } = {
  now: () => new Date(Date.now() + (globalForClock.flashmartClockOffsetMs ?? 0)),
  advance(milliseconds: number) {
    globalForClock.flashmartClockOffsetMs = (globalForClock.flashmartClockOffsetMs ?? 0) + milliseconds;
  },
  reset() {
    globalForClock.flashmartClockOffsetMs = 0;
  },
  offsetMs: () => globalForClock.flashmartClockOffsetMs ?? 0,
};
