import { productRouter } from "~/server/api/routers/product.ts";
import { systemRouter } from "~/server/api/routers/system.ts";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc.ts";

export const appRouter = createTRPCRouter({
  product: productRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
