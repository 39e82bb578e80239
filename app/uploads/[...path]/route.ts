import { env } from "~/server/env.js";
import { serveProductImage } from "~/server/http/product-image-upload.ts";

/** Serves uploaded product images from UPLOAD_DIR. */
export async function GET(_request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  return serveProductImage((await params).path, { uploadDir: env.UPLOAD_DIR });
}
