import type { DepsOf } from "~/server/deps.ts";
import type { WishlistProductInput } from "~/server/domain/wishlist/add-wishlist-item.ts";

/** Un-hearts a product. Idempotent: removing what is not there is not an error (the end state is what was asked). */
export async function removeWishlistItem(deps: DepsOf<"db">, input: WishlistProductInput & { userId: string }) {
  await deps.db.wishlistItem.deleteMany({ where: { userId: input.userId, productId: input.productId } });
  return { productId: input.productId, isWishlisted: false };
}
