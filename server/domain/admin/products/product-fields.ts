import { z } from "zod";

import { idField, MAX_INT_COLUMN, MAX_STOCK_UNITS, priceField } from "~/server/domain/input-rules.ts";

/**
 * The product form's rules, shared by the admin procedures and the browser (plain zod, no server imports), so the
 * form can show the same messages before a round trip. Prices are integer KRW.
 */
export const PRODUCT_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

/** Content types we store, by the extension we give the file. SVG is refused: it can carry scripts. */
export const PRODUCT_IMAGE_TYPES = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" } as const;
export type ProductImageExtension = keyof typeof PRODUCT_IMAGE_TYPES;
export const PRODUCT_IMAGE_ACCEPT = Object.values(PRODUCT_IMAGE_TYPES).join(",");

/** An uploaded image: 128 random bits as the name, so names can be neither guessed nor chosen. */
export const UPLOADED_IMAGE_NAME = /^[a-f0-9]{32}\.(png|jpg|webp)$/;
const UPLOADED_IMAGE_URL = /^\/uploads\/products\/[a-f0-9]{32}\.(png|jpg|webp)$/;
/** Images shipped with the app (the seed's illustrations). */
const BUNDLED_IMAGE_URL = /^\/images\/products\/[a-z0-9-]{1,80}\.(svg|png|jpg|webp)$/;

export const PRODUCT_STATUSES = ["AVAILABLE", "SOLD_OUT", "DISCONTINUED"] as const;

export const productFields = z.object({
  name: z.string({ error: "상품명을 입력해 주세요." }).trim().min(1, "상품명을 입력해 주세요.").max(100, "상품명은 100자 이하로 입력해 주세요."),
  description: z
    .string({ error: "상품 설명을 입력해 주세요." })
    .trim()
    .min(1, "상품 설명을 입력해 주세요.")
    .max(5_000, "상품 설명은 5,000자 이하로 입력해 주세요."),
  price: priceField({ required: "가격을 숫자로 입력해 주세요.", integer: "가격은 원 단위 정수로 입력해 주세요.", topic: "가격은" }),
  stock: z
    .number({ error: "재고를 숫자로 입력해 주세요." })
    .int("재고는 정수로 입력해 주세요.")
    .min(0, "재고는 0개 이상이어야 합니다.")
    .max(MAX_STOCK_UNITS, `재고는 ${MAX_STOCK_UNITS.toLocaleString("en-US")}개 이하여야 합니다.`),
  categoryId: z.number({ error: "카테고리를 선택해 주세요." }).int().positive("카테고리를 선택해 주세요.").max(MAX_INT_COLUMN),
  status: z.enum(PRODUCT_STATUSES, { error: "판매 상태를 선택해 주세요." }),
  imageUrl: z
    .string({ error: "상품 이미지를 올려 주세요." })
    .refine((url) => UPLOADED_IMAGE_URL.test(url) || BUNDLED_IMAGE_URL.test(url), "상품 이미지를 올려 주세요."),
});
export type ProductFields = z.infer<typeof productFields>;

export const productIdInput = z.object({ id: idField() });
