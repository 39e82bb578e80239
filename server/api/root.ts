import { accountRouter } from "~/server/api/routers/account.ts";
import { adminOrderRouter } from "~/server/api/routers/admin-order.ts";
import { adminPaymentRouter } from "~/server/api/routers/admin-payment.ts";
import { adminProductRouter } from "~/server/api/routers/admin-product.ts";
import { adminSaleRouter } from "~/server/api/routers/admin-sale.ts";
import { adminSystemRouter } from "~/server/api/routers/admin-system.ts";
import { adminUserRouter } from "~/server/api/routers/admin-user.ts";
import { cartRouter } from "~/server/api/routers/cart.ts";
import { orderRouter } from "~/server/api/routers/order.ts";
import { productRouter } from "~/server/api/routers/product.ts";
import { restockRouter } from "~/server/api/routers/restock.ts";
import { saleRouter } from "~/server/api/routers/sale.ts";
import { systemRouter } from "~/server/api/routers/system.ts";
import { wishlistRouter } from "~/server/api/routers/wishlist.ts";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc.ts";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  adminOrder: adminOrderRouter,
  adminPayment: adminPaymentRouter,
  adminProduct: adminProductRouter,
  adminSale: adminSaleRouter,
  adminSystem: adminSystemRouter,
  adminUser: adminUserRouter,
  cart: cartRouter,
  order: orderRouter,
  product: productRouter,
  restock: restockRouter,
  sale: saleRouter,
  system: systemRouter,
  wishlist: wishlistRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
