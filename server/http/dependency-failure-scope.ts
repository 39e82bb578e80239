import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";

type Scope = { dependencyFailed: boolean };

// One store per process: Next's bundles and the custom server load separate copies of this module, and a page's
// server components (Next's copy) must reach the scope server/main.ts (the server's copy) opened for the request.
const STORE = Symbol.for("flashmart.dependency-failure-scope");
const globalForScope = globalThis as unknown as { [STORE]?: AsyncLocalStorage<Scope> };
const storage = (globalForScope[STORE] ??= new AsyncLocalStorage<Scope>());

/** Records that the current page request hit an outage. Outside a page request (the tRPC server) it does nothing. */
export function noteDependencyFailure() {
  const scope = storage.getStore();
  if (scope) scope.dependencyFailed = true;
}

/**
 * Runs one page request so that, if a server component hit an outage (toTRPCError noted it) and the page then fails,
 * the answer is 503 with Retry-After instead of Next's 500. The dependency gate catches most outages before Next
 * runs; this covers those that start after the gate's cached probe said healthy (a pool running dry mid-burst).
 * Next renders its error page as usual; only the status line and headers change. A response already streaming
 * (status sent) keeps its status.
 */
export function runWithDependencyFailureStatus<T>(res: ServerResponse, retryAfterS: number, handle: () => Promise<T>): Promise<T> {
  const scope: Scope = { dependencyFailed: false };
  const writeHead = res.writeHead;
  // Node's implicit headers (first write with only statusCode set) go through writeHead too.
  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (scope.dependencyFailed && statusCode >= 500) {
      statusCode = 503;
      this.setHeader("retry-after", String(retryAfterS));
      this.setHeader("cache-control", "no-store");
    }
    return (writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as typeof res.writeHead;
  return storage.run(scope, handle);
}
