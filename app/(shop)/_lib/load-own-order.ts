import "server-only";

import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";

import { loginHref } from "~/app/(shop)/_lib/login-href.ts";
import { createRscContext, getQueryClient, trpc } from "~/app/_trpc/server.tsx";

/**
 * For order pages: the caller must be signed in (again, after proxy.ts) and the order must be theirs; anything else
 * is the 404 page, so another user's order id reveals nothing. The result stays in the request's query cache, so
 * HydrateClient hands it to the client without a second fetch.
 */
export async function loadOwnOrder(id: string, returnTo: string) {
  const { session } = await createRscContext();
  if (!session) redirect(loginHref(returnTo));
  if (!/^[a-z0-9]{1,32}$/.test(id)) notFound();
  try {
    return await getQueryClient().fetchQuery(trpc.order.get.queryOptions({ id }));
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
