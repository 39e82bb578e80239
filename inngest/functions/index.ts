import { openSaleAtTime } from "~/inngest/functions/open-sale-at-time.ts";
import { runDueWork } from "~/inngest/functions/run-due-work.ts";

export const functions = [runDueWork, openSaleAtTime];
