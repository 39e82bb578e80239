"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";

import { useTRPC } from "~/app/_trpc/client.tsx";
import type { Viewer } from "~/server/domain/accounts/get-viewer.ts";

/** "loading": a cached public page that has not heard back from account.viewer yet. */
export type ViewerState = { status: "loading" } | { status: "known"; viewer: Viewer };

const ViewerContext = createContext<ViewerState>({ status: "loading" });

/**
 * Who is looking, for every island that differs by visitor (header, buy buttons, wishlist hearts). A page Next renders
 * for this request passes the viewer it already knows; a cached public page (server/http/public-page-cache.ts) is the
 * same HTML for everybody, so it passes undefined and the browser asks account.viewer. A later server render
 * (router.refresh() after a cart change, a sign-in) passes the viewer again, and that always wins.
 */
export function ViewerProvider({ initialViewer, children }: { initialViewer: Viewer | undefined; children: ReactNode }) {
  const trpc = useTRPC();
  const isKnown = initialViewer !== undefined;
  const query = useQuery({ ...trpc.account.viewer.queryOptions(), enabled: !isKnown, staleTime: 30_000 });

  let state: ViewerState = { status: "loading" };
  if (isKnown) state = { status: "known", viewer: initialViewer };
  else if (query.data !== undefined) state = { status: "known", viewer: query.data };
  // Signed-out is the safe reading of a failed lookup: every protected action asks the server again anyway.
  else if (query.isError) state = { status: "known", viewer: null };

  return <ViewerContext.Provider value={state}>{children}</ViewerContext.Provider>;
}

export function useViewer(): ViewerState {
  return useContext(ViewerContext);
}

/** Signed in for sure; false while a cached page is still asking (its islands then offer the signed-out actions). */
export function useIsSignedIn() {
  const state = useViewer();
  return state.status === "known" && state.viewer !== null;
}
