import { createTRPCRouter, publicProcedure } from "~/server/api/trpc.ts";
import { getProduct, getProductInput } from "~/server/domain/products/get-product.ts";
import { listCategories } from "~/server/domain/products/list-categories.ts";
import { listProducts, listProductsInput } from "~/server/domain/products/list-products.ts";

export const productRouter = createTRPCRouter({
  list: publicProcedure.input(listProductsInput).query(({ ctx, input }) => listProducts(ctx.deps, input)),
  get: publicProcedure.input(getProductInput).query(({ ctx, input }) => getProduct(ctx.deps, input)),
  categories: publicProcedure.query(({ ctx }) => listCategories(ctx.deps)),
});
