import type { DepsOf } from "~/server/deps.ts";
import { addCartItem } from "~/server/domain/cart/add-cart-item.ts";
import { DomainError } from "~/server/domain/errors.ts";
import type { WishlistProductInput } from "~/server/domain/wishlist/add-wishlist-item.ts";

/**
 * Moves a hearted product into the cart (quantity 1). The wishlist row is claimed first with a DELETE, so a double
 * click moves it once: the second request finds nothing to claim. If the cart refuses (sold out, line full), the row
 * is put back and the cart's error is passed on, so a refused move changes nothing.
 */
export async function moveWishlistItemToCart(deps: DepsOf<"db">, input: WishlistProductInput & { userId: string }) {
  const { userId, productId } = input;

  const notInWishlist = () => new DomainError("NOT_FOUND", "찜 목록에 없는 상품입니다.");
  const item = await deps.db.wishlistItem.findUnique({ where: { userId_productId: { userId, productId } }, select: { id: true, createdAt: true } });
  if (!item) throw notInWishlist();
  const claimed = await deps.db.wishlistItem.deleteMany({ where: { userId, productId } });
  if (claimed.count === 0) throw notInWishlist();

  try {
    const line = await addCartItem(deps, { userId, productId, quantity: 1 });
    return { productId, cartItemId: line.id, quantity: line.quantity };
  } catch (error) {
    // Restored as it was (same id and date), so it keeps its place in the list.
    await deps.db.wishlistItem.createMany({ data: [{ id: item.id, userId, productId, createdAt: item.createdAt }], skipDuplicates: true });
    throw error;
  }
}
