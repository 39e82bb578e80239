import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { db } from "~/server/db.ts";
import { recordAudit } from "~/server/domain/admin/audit-log.ts";
import { logger } from "~/server/logger.ts";
import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";

describe("adminSystem", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: ReturnType<typeof createTestClient>;
  let adminId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const adminUser = await createUser(db, { role: "ADMIN" });
    adminId = adminUser.id;
    admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
  });

  afterAll(async () => {
    await db.auditLog.deleteMany({ where: { actorId: adminId } });
    await db.user.delete({ where: { id: adminId } });
    await server.close();
  });

  it("reports MySQL and Redis with latency, the workflow mode, the outbox backlog and the payment breaker", async () => {
    const status = await admin.adminSystem.status.query();
    expect(status.mysql).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(status.redis).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(status.workflowMode).toBe("in-process");
    expect(status.outbox).toMatchObject({ isKnown: true, backlog: expect.any(Number) });
    expect(status.payments).toEqual({ provider: "sandbox", circuit: "closed" });
  });

  it("lists recent errors with their messages and codes but never the error text that may carry personal data", async () => {
    const marker = `admin-system-test-${uniqueSuffix()}`;
    const leaky = Object.assign(new Error("duplicate entry 'victim@example.com' for key 'User_emailIndex_key'"), { code: "P2002" });
    logger.error({ path: "admin.test", err: leaky }, marker);

    const status = await admin.adminSystem.status.query();
    expect(status.recentErrors[0]).toMatchObject({ message: marker, path: "admin.test", errorName: "Error", errorCode: "P2002" });
    expect(JSON.stringify(status.recentErrors)).not.toContain("victim@example.com");

    // The JSON lines themselves are not under test; keep them out of the test output.
    const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    for (let index = 0; index < 60; index += 1) logger.error({}, `${marker}-${index}`);
    quiet.mockRestore();
    const recent = (await admin.adminSystem.status.query()).recentErrors;
    expect(recent).toHaveLength(50);
    expect(recent[0]?.message).toBe(`${marker}-59`);
  });

  it("summarises the shop for the dashboard front page", async () => {
    const overview = await admin.adminSystem.overview.query();
    expect(overview).toMatchObject({ liveSales: expect.any(Number), scheduledSales: expect.any(Number), ordersToday: expect.any(Number), users: expect.any(Number) });
    expect(overview.users).toBeGreaterThan(0);
  });

  it("pages and filters the audit log", async () => {
    const targetId = `order-${uniqueSuffix()}`;
    await recordAudit(db, { actorId: adminId, action: "order.cancel", targetType: "ORDER", targetId, reason: "첫째" });
    await recordAudit(db, { actorId: adminId, action: "order.cancel", targetType: "ORDER", targetId, reason: "둘째" });
    const log = await admin.adminSystem.auditLog.query({ targetId, action: "order.cancel" });
    expect(log.items.map((entry) => entry.reason)).toEqual(["둘째", "첫째"]);
    expect((await admin.adminSystem.auditLog.query({ actorId: adminId, action: "user.pii.view" })).total).toBe(0);
  });
});
