import { appDeps } from "~/server/app.ts";
import { env } from "~/server/env.js";
import { handleProductImageUpload } from "~/server/http/product-image-upload.ts";

/** Admin product image upload; the handler checks the session and role itself (this path is outside proxy.ts). */
export function POST(request: Request) {
  return handleProductImageUpload(request, { ...appDeps(), uploadDir: env.UPLOAD_DIR });
}
