import { adminProcedure, createTRPCRouter } from "~/server/api/trpc.ts";
import { listAdminProducts, listAdminProductsInput } from "~/server/domain/admin/products/list-admin-products.ts";
import { createProduct, createProductInput, discontinueProduct, getAdminProduct, updateProduct, updateProductInput } from "~/server/domain/admin/products/manage-products.ts";
import { productIdInput } from "~/server/domain/admin/products/product-fields.ts";
import { listCategories } from "~/server/domain/products/list-categories.ts";

/** Catalogue management: ADMIN only (401 anonymous, 403 USER). Images are uploaded beforehand (app/api/admin/uploads). */
export const adminProductRouter = createTRPCRouter({
  list: adminProcedure.input(listAdminProductsInput).query(({ ctx, input }) => listAdminProducts(ctx.deps, input)),
  get: adminProcedure.input(productIdInput).query(({ ctx, input }) => getAdminProduct(ctx.deps, input)),
  categories: adminProcedure.query(({ ctx }) => listCategories(ctx.deps)),
  create: adminProcedure.input(createProductInput).mutation(({ ctx, input }) => createProduct(ctx.deps, input)),
  update: adminProcedure.input(updateProductInput).mutation(({ ctx, input }) => updateProduct(ctx.deps, input)),
  discontinue: adminProcedure.input(productIdInput).mutation(({ ctx, input }) => discontinueProduct(ctx.deps, input)),
});
