import "server-only";

import type { FetchQueryOptions, QueryKey } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

import { getQueryClient } from "~/app/_trpc/server.tsx";

/**
 * Loads a detail page's query before rendering (the result is dehydrated for the client island like a prefetch),
 * so an unknown id answers the 404 page instead of an error boundary.
 */
export async function prefetchOr404<TData, TError, TKey extends QueryKey>(options: FetchQueryOptions<TData, TError, TData, TKey>) {
  try {
    await getQueryClient().fetchQuery(options);
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
