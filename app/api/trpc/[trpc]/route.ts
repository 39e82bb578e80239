import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { clientIpFromHeaders, sessionUserFromAuth } from "~/app/_trpc/context.ts";
import { appRouter } from "~/server/api/root.ts";
import { createInnerContext } from "~/server/api/trpc.ts";
import { retryAfterHeaders } from "~/server/http/retry-after.ts";

/**
 * The same router through Next, for serverless hosting. Under our own server (server/main.ts) /api/trpc/* never
 * reaches Next, so this handler only runs where that server is not used.
 */
function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ resHeaders }) =>
      createInnerContext({
        session: await sessionUserFromAuth(req.headers),
        ip: clientIpFromHeaders(req.headers, "unknown"),
        origin: req.headers.get("origin"),
        host: req.headers.get("host"),
        appendResponseHeader: (name, value) => resHeaders.append(name, value),
      }),
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
  });
}

export { handler as GET, handler as POST };
