/** Next calls this once per server start. Without Inngest, due work (sale opening, outbox relay …) runs in-process. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startDueWorkRunnerIfNeeded } = await import("./server/due-work/runner.ts");
  startDueWorkRunnerIfNeeded();
}
