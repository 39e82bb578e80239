import type { DepsOf } from "~/server/deps.ts";
import { addWishlistItem, type WishlistProductInput } from "~/server/domain/wishlist/add-wishlist-item.ts";

/** The heart button: removes the row if there is one, otherwise adds it. Answers the state the shopper now sees. */
export async function toggleWishlistItem(deps: DepsOf<"db">, input: WishlistProductInput & { userId: string }) {
  const removed = await deps.db.wishlistItem.deleteMany({ where: { userId: input.userId, productId: input.productId } });
  if (removed.count > 0) return { productId: input.productId, isWishlisted: false };
  return addWishlistItem(deps, input);
}
