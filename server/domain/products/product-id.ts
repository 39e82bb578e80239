import { z } from "zod";

/** A product id as clients may send it: a positive INT that fits the column, so nothing reaches SQL out of range. */
export const productIdField = z.number({ error: "상품을 선택해 주세요." }).int().positive().max(2_147_483_647);
