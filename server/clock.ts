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
