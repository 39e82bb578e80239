import type { DepsOf } from "~/server/deps.ts";
import { countCartItems } from "~/server/domain/cart/get-cart.ts";

/**
 * Who is looking at the page, for the header and the public pages' islands: cached public HTML is the same for every
 * visitor, so the signed-in state, role and cart badge reach the browser through this call. Null when signed out.
 */
export async function getViewer(deps: DepsOf<"db">, input: { session: { id: string; role: "USER" | "ADMIN" } | null }) {
  if (!input.session) return null;
  const { count } = await countCartItems(deps, { userId: input.session.id });
  return { role: input.session.role, cartCount: count };
}

export type Viewer = Awaited<ReturnType<typeof getViewer>>;
