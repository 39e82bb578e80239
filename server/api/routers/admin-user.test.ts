import type { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { createAddress, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";

describe("adminUser", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: ReturnType<typeof createTestClient>;
  let adminId: string;
  let member: { id: string; email: string };
  const memberName = "감사대상 홍길순";

  beforeAll(async () => {
    server = await startTestServer();
    const adminUser = await createUser(db, { role: "ADMIN" });
    adminId = adminUser.id;
    admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
    member = await createUser(db, { name: memberName });
    await db.user.update({ where: { id: member.id }, data: { phoneEnc: null } });
    await createAddress(db, member.id, { recipient: "배송받는 사람", label: "회사" });
  });

  afterAll(async () => {
    await db.auditLog.deleteMany({ where: { actorId: adminId } });
    await db.user.deleteMany({ where: { id: { in: [adminId, member.id] } } });
    await server.close();
  });

  it("lists members without any personal data and finds one by exact email", async () => {
    const page = await admin.adminUser.list.query({ page: 1 });
    const serialized = JSON.stringify(page);
    expect(serialized).not.toContain("@test.flashmart.local");
    expect(serialized).not.toContain(memberName);
    expect(Object.keys(page.items[0]!).sort()).toEqual(["createdAt", "id", "isEmailVerified", "orderCount", "role"]);

    const found = await admin.adminUser.list.query({ email: member.email });
    expect(found.items).toEqual([expect.objectContaining({ id: member.id, role: "USER", isEmailVerified: true, orderCount: 0 })]);
    expect((await admin.adminUser.list.query({ role: "ADMIN" })).items.every((item) => item.role === "ADMIN")).toBe(true);
  });

  it("shows the detail without personal data until it is revealed, and records every reveal", async () => {
    const detail = await admin.adminUser.get.query({ id: member.id });
    expect(detail).toMatchObject({ id: member.id, role: "USER", orderCount: 0, addressCount: 1, audit: [] });
    expect(JSON.stringify(detail)).not.toContain(memberName);

    const revealed = await admin.adminUser.revealPersonalData.mutate({ id: member.id, reason: "배송 문의 응대" });
    expect(revealed).toMatchObject({ id: member.id, email: member.email, name: memberName, phone: null });
    expect(revealed.addresses).toEqual([expect.objectContaining({ label: "회사", recipient: "배송받는 사람", postalCode: "06236", isDefault: true })]);
    await admin.adminUser.revealPersonalData.mutate({ id: member.id });

    const entries = await db.auditLog.findMany({ where: { targetType: "USER", targetId: member.id }, orderBy: { id: "asc" } });
    expect(entries.map((entry) => [entry.actorId, entry.action, entry.reason])).toEqual([
      [adminId, "user.pii.view", "배송 문의 응대"],
      [adminId, "user.pii.view", null],
    ]);
    // The log holds which fields were shown, never their values.
    expect(JSON.stringify(entries)).not.toContain(memberName);
    expect(JSON.stringify(entries)).not.toContain(member.email);

    const after = await admin.adminUser.get.query({ id: member.id });
    expect(after.audit.map((entry) => entry.reason)).toEqual([null, "배송 문의 응대"]);
    const log = await admin.adminSystem.auditLog.query({ targetType: "USER", targetId: member.id });
    expect(log.total).toBe(2);
  });

  it("answers NOT_FOUND for an unknown member and records nothing", async () => {
    const error = await admin.adminUser.revealPersonalData.mutate({ id: "nosuchuser" }).catch((caught: unknown) => caught);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    expect(await db.auditLog.count({ where: { targetId: "nosuchuser" } })).toBe(0);
  });
});
