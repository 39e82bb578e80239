import type { DepsOf } from "~/server/deps.ts";
import { PRODUCT_IMAGE_MAX_BYTES } from "~/server/domain/admin/products/product-fields.ts";
import { readProductImage, storeProductImage } from "~/server/domain/admin/products/product-images.ts";
import { isDomainError } from "~/server/domain/errors.ts";
import { env } from "~/server/env.js";
import { logger } from "~/server/logger.ts";
import { resolveSession } from "~/server/session.ts";

type UploadDeps = DepsOf<"db" | "redis" | "config"> & { uploadDir: string };

/** Multipart framing around a 2 MB file stays far below this; anything longer is refused while it streams in. */
const MAX_BODY_BYTES = PRODUCT_IMAGE_MAX_BYTES + 64 * 1024;

function jsonError(status: number, code: string, message: string) {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

/** Same rule as tRPC mutations: a browser always sends Origin cross-site, so a foreign Origin is a forged request. */
function isForeignOrigin(request: Request) {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    const originHost = new URL(origin).host;
    return originHost !== request.headers.get("host") && originHost !== new URL(env.APP_URL).host;
  } catch {
    return true;
  }
}

/** Reads the body up to `limit` bytes; null when it is longer (the rest is not read). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * POST /api/admin/uploads (multipart, field "file"): stores a product image for an admin and answers its URL.
 * 401 anonymous, 403 non-admin or foreign origin, 413 too large, 400 not a PNG/JPEG/WebP.
 */
export async function handleProductImageUpload(request: Request, deps: UploadDeps) {
  const session = await resolveSession(deps, request.headers.get("cookie"));
  if (!session) return jsonError(401, "UNAUTHORIZED", "로그인이 필요합니다.");
  if (session.role !== "ADMIN") return jsonError(403, "FORBIDDEN", "관리자만 사용할 수 있습니다.");
  if (isForeignOrigin(request)) return jsonError(403, "FORBIDDEN", "허용되지 않은 요청 출처입니다.");
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return jsonError(413, "PAYLOAD_TOO_LARGE", "이미지는 2MB 이하만 올릴 수 있습니다.");

  const body = await readLimited(request, MAX_BODY_BYTES);
  if (!body) return jsonError(413, "PAYLOAD_TOO_LARGE", "이미지는 2MB 이하만 올릴 수 있습니다.");
  let file: FormDataEntryValue | null = null;
  try {
    const form = await new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
    file = form.get("file");
  } catch {
    return jsonError(400, "BAD_REQUEST", "이미지 파일을 선택해 주세요.");
  }
  if (!(file instanceof Blob)) return jsonError(400, "BAD_REQUEST", "이미지 파일을 선택해 주세요.");

  try {
    const stored = await storeProductImage(deps, { bytes: new Uint8Array(await file.arrayBuffer()) });
    return Response.json(stored, { status: 201, headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (isDomainError(error)) return jsonError(error.code === "INVALID_INPUT" ? 400 : 500, error.code, error.message);
    logger.error({ err: error, path: "admin.upload" }, "product image upload failed");
    return jsonError(500, "INTERNAL_SERVER_ERROR", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.");
  }
}

/**
 * GET /uploads/products/<name>: files written at runtime, which `next start` does not serve from public/ (it lists
 * public/ once at startup). Names are random and files never change, so they are cacheable for good; nosniff and a
 * no-script CSP make sure a stored file can only ever be an image.
 */
export async function serveProductImage(segments: string[], deps: { uploadDir: string }) {
  const image = await readProductImage(deps, { segments });
  if (!image) return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(new Uint8Array(image.bytes), {
    headers: {
      "content-type": image.contentType,
      "content-length": String(image.bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
