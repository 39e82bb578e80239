import type { Prisma } from "~/server/generated/prisma/client.ts";

/** A product as the admin sees it: every status, with its stock and timestamps. */
export const adminProductSelect = {
  id: true,
  name: true,
  description: true,
  price: true,
  stock: true,
  status: true,
  imageUrl: true,
  categoryId: true,
  category: { select: { id: true, name: true } },
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ProductSelect;

export const adminProductRowSelect = {
  id: true,
  name: true,
  price: true,
  stock: true,
  status: true,
  imageUrl: true,
  category: { select: { name: true } },
  updatedAt: true,
} satisfies Prisma.ProductSelect;
