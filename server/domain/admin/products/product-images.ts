import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  PRODUCT_IMAGE_MAX_BYTES,
  PRODUCT_IMAGE_TYPES,
  UPLOADED_IMAGE_NAME,
  type ProductImageExtension,
} from "~/server/domain/admin/products/product-fields.ts";
import { DomainError } from "~/server/domain/errors.ts";

type ImageDeps = { uploadDir: string };

/**
 * The file's real type from its first bytes; the browser's declared type and the file name are not trusted.
 * Anything else (SVG, HTML, GIF, executables renamed .png) is refused.
 */
export function sniffImageType(bytes: Uint8Array): ProductImageExtension | null {
  const startsWith = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith([0xff, 0xd8, 0xff])) return "jpg";
  // RIFF....WEBP
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  return null;
}

function productImageDir(deps: ImageDeps) {
  return path.resolve(deps.uploadDir, "products");
}

/**
 * Stores an uploaded product image under a random name and returns the URL the product form saves. Files are
 * written once and never replaced ("wx"), so a URL always shows the same picture and can be cached for good.
 */
export async function storeProductImage(deps: ImageDeps, input: { bytes: Uint8Array }) {
  if (input.bytes.byteLength === 0) throw new DomainError("INVALID_INPUT", "이미지 파일을 선택해 주세요.");
  if (input.bytes.byteLength > PRODUCT_IMAGE_MAX_BYTES) throw new DomainError("INVALID_INPUT", "이미지는 2MB 이하만 올릴 수 있습니다.");
  const extension = sniffImageType(input.bytes);
  if (!extension) throw new DomainError("INVALID_INPUT", "PNG, JPEG, WebP 이미지만 올릴 수 있습니다.");

  const fileName = `${randomBytes(16).toString("hex")}.${extension}`;
  const directory = productImageDir(deps);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, fileName), input.bytes, { flag: "wx" });
  return { url: `/uploads/products/${fileName}`, contentType: PRODUCT_IMAGE_TYPES[extension], size: input.bytes.byteLength };
}

/**
 * Reads a stored image for the /uploads route. Only names this module could have generated are looked up, so no
 * request path can reach outside the upload directory. Missing files answer null (404).
 */
export async function readProductImage(deps: ImageDeps, input: { segments: string[] }) {
  const [folder, fileName, ...rest] = input.segments;
  if (folder !== "products" || !fileName || rest.length > 0 || !UPLOADED_IMAGE_NAME.test(fileName)) return null;
  const extension = fileName.slice(fileName.lastIndexOf(".") + 1) as ProductImageExtension;
  try {
    const bytes = await readFile(path.join(productImageDir(deps), fileName));
    return { bytes, contentType: PRODUCT_IMAGE_TYPES[extension] };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
