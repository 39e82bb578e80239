import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc.ts";
import { addCartItem, addCartItemInput } from "~/server/domain/cart/add-cart-item.ts";
import { countCartItems, getCart } from "~/server/domain/cart/get-cart.ts";
import { removeCartItem, removeCartItemInput } from "~/server/domain/cart/remove-cart-item.ts";
import {
  setAllCartItemsSelected,
  setAllCartItemsSelectedInput,
  setCartItemSelected,
  setCartItemSelectedInput,
} from "~/server/domain/cart/set-cart-item-selected.ts";
import { updateCartItemQuantity, updateCartItemQuantityInput } from "~/server/domain/cart/update-cart-item-quantity.ts";

/** The shopper's own cart: the user id always comes from the session, inputs never carry prices. */
export const cartRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => getCart(ctx.deps, { userId: ctx.session.id })),
  count: protectedProcedure.query(({ ctx }) => countCartItems(ctx.deps, { userId: ctx.session.id })),
  add: protectedProcedure.input(addCartItemInput).mutation(({ ctx, input }) => addCartItem(ctx.deps, { ...input, userId: ctx.session.id })),
  updateQuantity: protectedProcedure
    .input(updateCartItemQuantityInput)
    .mutation(({ ctx, input }) => updateCartItemQuantity(ctx.deps, { ...input, userId: ctx.session.id })),
  remove: protectedProcedure.input(removeCartItemInput).mutation(({ ctx, input }) => removeCartItem(ctx.deps, { ...input, userId: ctx.session.id })),
  setSelected: protectedProcedure
    .input(setCartItemSelectedInput)
    .mutation(({ ctx, input }) => setCartItemSelected(ctx.deps, { ...input, userId: ctx.session.id })),
  setAllSelected: protectedProcedure
    .input(setAllCartItemsSelectedInput)
    .mutation(({ ctx, input }) => setAllCartItemsSelected(ctx.deps, { ...input, userId: ctx.session.id })),
});
