import { Inngest } from "inngest";

import { env } from "~/server/env.js";

export const inngest = new Inngest({
  id: "flashmart",
  eventKey: env.INNGEST_EVENT_KEY,
  signingKey: env.INNGEST_SIGNING_KEY,
  baseUrl: env.INNGEST_BASE_URL,
  isDev: Boolean(env.INNGEST_DEV),
});
