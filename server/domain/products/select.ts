import type { Prisma } from "~/server/generated/prisma/client.ts";

export const productCardSelect = {
  id: true,
  name: true,
  price: true,
  stock: true,
  status: true,
  imageUrl: true,
  createdAt: true,
  category: { select: { slug: true, name: true } },
} satisfies Prisma.ProductSelect;

export const productDetailSelect = {
  ...productCardSelect,
  description: true,
} satisfies Prisma.ProductSelect;

export const categorySelect = {
  id: true,
  slug: true,
  name: true,
} satisfies Prisma.CategorySelect;
