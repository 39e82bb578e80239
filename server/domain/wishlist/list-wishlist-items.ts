import type { DepsOf } from "~/server/deps.ts";
import { wishlistItemSelect } from "~/server/domain/wishlist/select.ts";

/**
 * The shopper's hearts, newest first. Discontinued products stay in the list (flagged by their status) so the
 * shopper sees why one vanished from the shop and can remove it; they cannot be moved to the cart.
 */
export async function listWishlistItems(deps: DepsOf<"db">, input: { userId: string }) {
  const items = await deps.db.wishlistItem.findMany({
    where: { userId: input.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: wishlistItemSelect,
  });
  return { items, productIds: items.map((item) => item.product.id) };
}
