import "server-only";

import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";

import { clientIpFromHeaders, sessionUserFromAuth } from "~/app/_trpc/context.ts";
import { makeQueryClient } from "~/app/_trpc/query-client.ts";
import { toTRPCError } from "~/server/api/errors.ts";
import { appRouter, createCaller } from "~/server/api/root.ts";
import { createInnerContext } from "~/server/api/trpc.ts";

/** One context per request: cache() dedupes it across every prefetch and caller in the same render. */
export const createRscContext = cache(async () => {
  const requestHeaders = await headers();
  // Outside any procedure: converted here so an outage reads as one (503 page, see dependency-failure-scope.ts).
  const session = await sessionUserFromAuth().catch((error: unknown) => {
    throw toTRPCError(error, "createRscContext");
  });
  return createInnerContext({
    session,
    ip: clientIpFromHeaders(requestHeaders, "rsc"),
    // Server components only read; without an Origin the CSRF check has nothing to compare, by design.
    origin: null,
    host: null,
  });
});

/** One QueryClient per request, shared by prefetch() and HydrateClient. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: createRscContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Sends everything prefetched so far in this request to the client components below it. */
export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** Starts a query without awaiting it; the pending promise is dehydrated and streams to the client. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors tRPC's documented helper signature
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T) {
  const queryClient = getQueryClient();
  if (queryOptions.queryKey[1]?.type === "infinite") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- infinite options share the key shape
    void queryClient.prefetchInfiniteQuery(queryOptions as any);
  } else {
    void queryClient.prefetchQuery(queryOptions);
  }
}

/** Direct procedure calls for server components that need the data themselves (metadata, notFound()). */
export async function serverCaller() {
  return createCaller(await createRscContext());
}
