import type { Prisma } from "~/server/generated/prisma/client.ts";

/** What a cart line needs to be priced and judged on the server: the product's current price, stock and status. */
export const cartLineSelect = {
  id: true,
  quantity: true,
  isSelected: true,
  createdAt: true,
  product: {
    select: {
      id: true,
      name: true,
      price: true,
      stock: true,
      status: true,
      imageUrl: true,
      category: { select: { slug: true, name: true } },
    },
  },
} satisfies Prisma.CartItemSelect;
