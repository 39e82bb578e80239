import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc.ts";
import { cancelOrder, cancelOrderInput } from "~/server/domain/orders/cancel-order.ts";
import { getCheckout, getCheckoutInput } from "~/server/domain/orders/get-checkout.ts";
import { getOrder, getOrderInput } from "~/server/domain/orders/get-order.ts";
import { listOrders, listOrdersInput } from "~/server/domain/orders/list-orders.ts";
import { payOrder, payOrderInput } from "~/server/domain/orders/pay-order.ts";
import { placeOrder, placeOrderInput } from "~/server/domain/orders/place-order.ts";
import { requestReturn, requestReturnInput } from "~/server/domain/orders/request-return.ts";

/** Checkout, payment and the buyer's own orders. The buyer is always ctx.session.user; ids in input are only looked up within it. */
export const orderRouter = createTRPCRouter({
  checkout: protectedProcedure.input(getCheckoutInput).query(({ ctx, input }) => getCheckout(ctx.deps, { ...input, userId: ctx.session.id })),
  create: protectedProcedure.input(placeOrderInput).mutation(({ ctx, input }) => placeOrder(ctx.deps, { ...input, userId: ctx.session.id })),
  pay: protectedProcedure.input(payOrderInput).mutation(({ ctx, input }) => payOrder(ctx.deps, { ...input, userId: ctx.session.id })),
  list: protectedProcedure.input(listOrdersInput).query(({ ctx, input }) => listOrders(ctx.deps, { ...input, userId: ctx.session.id })),
  get: protectedProcedure.input(getOrderInput).query(({ ctx, input }) => getOrder(ctx.deps, { ...input, userId: ctx.session.id })),
  cancel: protectedProcedure.input(cancelOrderInput).mutation(({ ctx, input }) => cancelOrder(ctx.deps, { ...input, userId: ctx.session.id })),
  requestReturn: protectedProcedure.input(requestReturnInput).mutation(({ ctx, input }) => requestReturn(ctx.deps, { ...input, userId: ctx.session.id })),
});
