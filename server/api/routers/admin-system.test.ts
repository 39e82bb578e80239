import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { db } from "~/server/db.ts";
import { recordAudit } from "~/server/domain/admin/audit-log.ts";
import { OUTBOX_MAX_ATTEMPTS } from "~/server/domain/outbox/relay-outbox.ts";
import { logger } from "~/server/logger.ts";
import { trpcErrorOf } from "~/server/testing/api-test.ts";
import { createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";

describe("adminSystem", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: ReturnType<typeof createTestClient>;
  let shopper: ReturnType<typeof createTestClient>;
  let adminId: string;
  let shopperId: string;
  const deadLetterName = `test/dead-letter-${uniqueSuffix()}`;

  beforeAll(async () => {
    server = await startTestServer();
    const adminUser = await createUser(db, { role: "ADMIN" });
    const shopperUser = await createUser(db, { role: "USER" });
    adminId = adminUser.id;
    shopperId = shopperUser.id;
    admin = createTestClient(server.url, { cookie: await sessionCookieFor(adminUser) });
    shopper = createTestClient(server.url, { cookie: await sessionCookieFor(shopperUser) });
  });

  afterAll(async () => {
    await db.outboxEvent.deleteMany({ where: { name: deadLetterName } });
    await db.auditLog.deleteMany({ where: { actorId: adminId } });
    await db.user.deleteMany({ where: { id: { in: [adminId, shopperId] } } });
    await server.close();
  });

  /** A refund event the relay has given up on, as relayOutbox leaves it. */
  function createDeadLetter(deadAt: Date, payload: Record<string, unknown> = { orderId: `order-${uniqueSuffix()}`, paymentId: 91 }) {
    return db.outboxEvent.create({
      data: { name: deadLetterName, payload: payload as object, attempts: OUTBOX_MAX_ATTEMPTS, deadAt, lastError: "refund provider unreachable" },
      select: { id: true, payload: true },
    });
  }

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

  it("counts dead letters apart from the live backlog, on the system page and the front page", async () => {
    const before = await admin.adminSystem.status.query();
    const beforeOverview = await admin.adminSystem.overview.query();
    await createDeadLetter(new Date());
    await db.outboxEvent.create({ data: { name: deadLetterName, payload: { orderId: "live" }, availableAt: new Date(Date.now() + 3_600_000) } });

    const after = await admin.adminSystem.status.query();
    expect(after.outbox.deadLetters).toBe((before.outbox.deadLetters ?? 0) + 1);
    expect(after.outbox.backlog).toBe((before.outbox.backlog ?? 0) + 1);
    expect((await admin.adminSystem.overview.query()).deadLetters).toBe(beforeOverview.deadLetters + 1);
    await db.outboxEvent.deleteMany({ where: { name: deadLetterName } });
  });

  it("lists dead letters to admins only, newest first, with payload ids and never the payload", async () => {
    const older = await createDeadLetter(new Date("2031-01-01T00:00:00Z"), { orderId: "order-older", paymentId: 1, email: "victim@example.com" });
    const newer = await createDeadLetter(new Date("2031-01-02T00:00:00Z"), { orderId: "order-newer", paymentId: 2 });

    const forbidden = await trpcErrorOf(shopper.adminSystem.deadLetters.query({ page: 1 }));
    expect(forbidden.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect((await trpcErrorOf(admin.adminSystem.deadLetters.query({ page: 0 }))).data?.code).toBe("BAD_REQUEST");

    const list = await admin.adminSystem.deadLetters.query({ page: 1 });
    const mine = list.items.filter((item) => item.name === deadLetterName);
    expect(mine.map((item) => item.id)).toEqual([newer.id, older.id]);
    expect(mine[1]).toEqual({
      id: older.id,
      name: deadLetterName,
      ids: { orderId: "order-older", paymentId: 1 },
      attempts: OUTBOX_MAX_ATTEMPTS,
      lastError: "refund provider unreachable",
      deadAt: new Date("2031-01-01T00:00:00Z"),
      createdAt: expect.any(Date),
    });
    expect(JSON.stringify(list)).not.toContain("victim@example.com");
    await db.outboxEvent.deleteMany({ where: { name: deadLetterName } });
  });

  it("replays a dead letter for an admin once, audited with the admin's id; a shopper gets 403 and a second replay is refused", async () => {
    const { id } = await createDeadLetter(new Date("2031-02-01T00:00:00Z"), { orderId: "order-replay", paymentId: 3 });

    const forbidden = await trpcErrorOf(shopper.adminSystem.replayDeadLetter.mutate({ id }));
    expect(forbidden.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect((await db.outboxEvent.findUniqueOrThrow({ where: { id } })).deadAt).not.toBeNull();
    expect((await trpcErrorOf(admin.adminSystem.replayDeadLetter.mutate({ id: -1 }))).data?.code).toBe("BAD_REQUEST");
    // @ts-expect-error the id is a number; a string must be refused by validation, not coerced
    expect((await trpcErrorOf(admin.adminSystem.replayDeadLetter.mutate({ id: String(id) }))).data?.code).toBe("BAD_REQUEST");

    const replayed = await admin.adminSystem.replayDeadLetter.mutate({ id });
    expect(replayed.id).toBe(id);
    expect(await db.outboxEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ deadAt: null, attempts: 0, processedAt: null, lockedUntil: null });
    expect((await admin.adminSystem.deadLetters.query({ page: 1 })).items.map((item) => item.id)).not.toContain(id);

    const second = await trpcErrorOf(admin.adminSystem.replayDeadLetter.mutate({ id }));
    expect(second.data).toMatchObject({ code: "PRECONDITION_FAILED", domainCode: "INVALID_STATE" });
    expect(second.message).toBe("이미 다시 보냈거나 처리된 이벤트입니다.");
    expect((await trpcErrorOf(admin.adminSystem.replayDeadLetter.mutate({ id: 2_000_000_000 }))).data?.code).toBe("NOT_FOUND");

    const audit = await db.auditLog.findMany({ where: { action: "outbox.replay", targetId: String(id) } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: adminId, targetType: "OUTBOX_EVENT" });
    expect(audit[0]?.metadata).toMatchObject({ name: deadLetterName, attempts: OUTBOX_MAX_ATTEMPTS, ids: { orderId: "order-replay", paymentId: 3 } });
    const log = await admin.adminSystem.auditLog.query({ action: "outbox.replay", targetType: "OUTBOX_EVENT", targetId: String(id) });
    expect(log.total).toBe(1);
    await db.outboxEvent.deleteMany({ where: { name: deadLetterName } });
  });
});
