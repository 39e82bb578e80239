import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { sniffImageType } from "~/server/domain/admin/products/product-images.ts";
import { handleProductImageUpload, serveProductImage } from "~/server/http/product-image-upload.ts";
import { redis } from "~/server/redis.ts";
import { createUser } from "~/server/testing/factories.ts";
import { sessionCookieFor } from "~/server/testing/http.ts";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = new TextEncoder().encode("RIFF\x24\x00\x00\x00WEBPVP8 ");
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe("product image upload and serving", () => {
  let uploadDir: string;
  let adminCookie: string;
  let userCookie: string;
  const userIds: string[] = [];

  beforeAll(async () => {
    uploadDir = await mkdtemp(path.join(tmpdir(), "flashmart-uploads-"));
    const admin = await createUser(db, { role: "ADMIN" });
    const user = await createUser(db);
    userIds.push(admin.id, user.id);
    adminCookie = await sessionCookieFor(admin);
    userCookie = await sessionCookieFor(user);
  });

  afterAll(async () => {
    await rm(uploadDir, { recursive: true, force: true });
    await db.user.deleteMany({ where: { id: { in: userIds } } });
  });

  function upload(bytes: Uint8Array, options: { cookie?: string; fileName?: string; type?: string; origin?: string } = {}) {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bytes)], { type: options.type ?? "image/png" }), options.fileName ?? "photo.png");
    const headers: Record<string, string> = { host: "localhost:3000" };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    return handleProductImageUpload(new Request("http://localhost:3000/api/admin/uploads", { method: "POST", body: form, headers }), { db, redis, config: configFromEnv(), uploadDir });
  }

  it("recognises images by their bytes, not their names", () => {
    expect([sniffImageType(PNG), sniffImageType(JPEG), sniffImageType(WEBP), sniffImageType(SVG)]).toEqual(["png", "jpg", "webp", null]);
  });

  it("is for admins only: 401 anonymous, 403 user, 403 from a foreign origin", async () => {
    expect((await upload(PNG)).status).toBe(401);
    expect((await upload(PNG, { cookie: userCookie })).status).toBe(403);
    expect((await upload(PNG, { cookie: adminCookie, origin: "https://evil.example" })).status).toBe(403);
    expect(await readdir(uploadDir).catch(() => [])).toEqual([]);
  });

  it("stores a PNG under a random name and serves it back as an image that cannot run scripts", async () => {
    const response = await upload(PNG, { cookie: adminCookie, fileName: "../../etc/passwd.png" });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { url: string; contentType: string; size: number };
    expect(body).toMatchObject({ contentType: "image/png", size: PNG.byteLength });
    expect(body.url).toMatch(/^\/uploads\/products\/[a-f0-9]{32}\.png$/);

    const served = await serveProductImage(body.url.split("/").slice(2), { uploadDir });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  it("refuses SVG (it can carry scripts), HTML named .png, empty files and files over 2 MB", async () => {
    const svg = await upload(SVG, { cookie: adminCookie, fileName: "logo.svg", type: "image/svg+xml" });
    expect(svg.status).toBe(400);
    expect(((await svg.json()) as { error: { message: string } }).error.message).toBe("PNG, JPEG, WebP 이미지만 올릴 수 있습니다.");
    expect((await upload(new TextEncoder().encode("<html><script>1</script></html>"), { cookie: adminCookie })).status).toBe(400);
    expect((await upload(new Uint8Array(0), { cookie: adminCookie })).status).toBe(400);

    const justOver = new Uint8Array(2 * 1024 * 1024 + 1);
    justOver.set(PNG);
    const refused = await upload(justOver, { cookie: adminCookie });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe("이미지는 2MB 이하만 올릴 수 있습니다.");
    // A body far over the limit is cut off while it streams in.
    const huge = new Uint8Array(3 * 1024 * 1024);
    huge.set(PNG);
    expect((await upload(huge, { cookie: adminCookie })).status).toBe(413);
    expect(await readdir(path.join(uploadDir, "products"))).toHaveLength(1);
  });

  it("serves only names it could have generated: no traversal, no other folders", async () => {
    for (const segments of [["products", "..", "..", "etc", "passwd"], ["products", "../secret.png"], ["other", "0123456789abcdef0123456789abcdef.png"], ["products", "0123456789abcdef0123456789abcdef.png"]]) {
      expect((await serveProductImage(segments, { uploadDir })).status).toBe(404);
    }
  });
});
