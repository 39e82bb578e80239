import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

/**
 * One factory for both sides: the server makes one per request (cache() in server.tsx), the browser one per tab.
 * superjson must match the router's transformer, or Dates in prefetched data arrive as strings.
 */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Prefetched data must not be refetched the moment it hydrates.
        staleTime: 30 * 1000,
      },
      dehydrate: {
        serializeData: superjson.serialize,
        // Pending queries are sent too, so a server component can start a prefetch without awaiting it and the
        // result streams to the client.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
        // Next.js detects dynamic rendering through thrown errors and redacts server errors itself (with a digest).
        shouldRedactErrors: () => false,
      },
      hydrate: {
        deserializeData: superjson.deserialize,
      },
    },
  });
}
