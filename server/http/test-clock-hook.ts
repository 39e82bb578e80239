import type { IncomingMessage, ServerResponse } from "node:http";

import { adjustableClock } from "~/server/clock.ts";

export const TEST_CLOCK_PATH = "/__test/clock";

/**
 * e2e-only hook (mounted only with ENABLE_TEST_CLOCK): GET reads the app's time, POST {"advanceMs": n} moves it
 * forward, POST {"reset": true} returns to real time. Lets Playwright cross payment deadlines and ship dates without
 * waiting.
 */
export function handleTestClock(req: IncomingMessage, res: ServerResponse) {
  const reply = () => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ now: adjustableClock.now().toISOString(), offsetMs: adjustableClock.offsetMs() }));
  };
  if (req.method === "GET") return reply();
  if (req.method !== "POST") {
    res.writeHead(405).end();
    return;
  }
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString("utf8");
    if (body.length > 1_000) req.destroy();
  });
  req.on("end", () => {
    try {
      const command = JSON.parse(body || "{}") as { advanceMs?: unknown; reset?: unknown };
      if (command.reset === true) adjustableClock.reset();
      if (typeof command.advanceMs === "number" && Number.isFinite(command.advanceMs) && command.advanceMs > 0) adjustableClock.advance(command.advanceMs);
      reply();
    } catch {
      res.writeHead(400).end();
    }
  });
}
