import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc.ts";
import { addWishlistItem, wishlistProductInput } from "~/server/domain/wishlist/add-wishlist-item.ts";
import { listWishlistItems } from "~/server/domain/wishlist/list-wishlist-items.ts";
import { moveWishlistItemToCart } from "~/server/domain/wishlist/move-wishlist-item-to-cart.ts";
import { removeWishlistItem } from "~/server/domain/wishlist/remove-wishlist-item.ts";
import { toggleWishlistItem } from "~/server/domain/wishlist/toggle-wishlist-item.ts";

/** The shopper's hearts. Every call is keyed by product id and scoped to the session's user. */
export const wishlistRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listWishlistItems(ctx.deps, { userId: ctx.session.id })),
  add: protectedProcedure.input(wishlistProductInput).mutation(({ ctx, input }) => addWishlistItem(ctx.deps, { ...input, userId: ctx.session.id })),
  remove: protectedProcedure
    .input(wishlistProductInput)
    .mutation(({ ctx, input }) => removeWishlistItem(ctx.deps, { ...input, userId: ctx.session.id })),
  toggle: protectedProcedure
    .input(wishlistProductInput)
    .mutation(({ ctx, input }) => toggleWishlistItem(ctx.deps, { ...input, userId: ctx.session.id })),
  moveToCart: protectedProcedure
    .input(wishlistProductInput)
    .mutation(({ ctx, input }) => moveWishlistItemToCart(ctx.deps, { ...input, userId: ctx.session.id })),
});
