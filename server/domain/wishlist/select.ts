import type { Prisma } from "~/server/generated/prisma/client.ts";

import { productCardSelect } from "~/server/domain/products/select.ts";

export const wishlistItemSelect = {
  id: true,
  createdAt: true,
  product: { select: productCardSelect },
} satisfies Prisma.WishlistItemSelect;
