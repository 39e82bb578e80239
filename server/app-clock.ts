import { adjustableClock, systemClock, type Clock } from "~/server/clock.ts";
import { env } from "~/server/env.js";

/** The app's clock: the system clock, or the adjustable one when the e2e test hook is enabled. */
export const appClock: Clock = env.ENABLE_TEST_CLOCK ? adjustableClock : systemClock;
