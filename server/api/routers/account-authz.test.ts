/**
 * Authorization matrix: anonymous / user A / user B / admin × every account procedure. User data is always the
 * caller's own (ownership from the session, never from input); another user's address is NOT_FOUND; admin
 * procedures are 401 for anonymous and 403 for USER. Admins get no special access to users' addresses either.
 */
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appRouter, type AppRouter } from "~/server/api/root.ts";
import { db } from "~/server/db.ts";
import { validPassword } from "~/server/testing/accounts.ts";
import { trpcOutcomeOf } from "~/server/testing/api-test.ts";
import { createAddress, createUser, uniqueSuffix } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer, TEST_CLIENT_IP_HEADER, uniqueTestIp } from "~/server/testing/http.ts";

type Actor = "anonymous" | "userA" | "userB" | "admin";
type Client = ReturnType<typeof createTestClient>;
type Outcome = "OK" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_REQUEST";

const newAddress = { label: "집", recipient: "김민수", phone: "010-3333-4444", postalCode: "03187", address1: "서울특별시 종로구 세종대로 175" };

describe("account authorization matrix", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const users = {} as Record<Exclude<Actor, "anonymous">, { id: string; role: "USER" | "ADMIN"; email: string; password: string }>;
  let addressOfA: number;

  beforeAll(async () => {
    server = await startTestServer();
    for (const [actor, role] of [["userA", "USER"], ["userB", "USER"], ["admin", "ADMIN"]] as const) {
      const password = validPassword();
      users[actor] = { ...(await createUser(db, { role, password, name: `${actor} 이름` })), password };
    }
    addressOfA = (await createAddress(db, users.userA.id, { label: "A의 집", isDefault: true })).id;
  });

  afterAll(async () => {
    await db.user.deleteMany({ where: { id: { in: Object.values(users).map((user) => user.id) } } });
    await server.close();
  });

  /** A client for the actor with a session matching its current session version (logoutEverywhere bumps it). */
  async function clientFor(actor: Actor): Promise<Client> {
    const headers = { [TEST_CLIENT_IP_HEADER]: uniqueTestIp() };
    if (actor === "anonymous") return createTestClient(server.url, { headers });
    const user = users[actor];
    const { sessionVersion } = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionVersion: true } });
    return createTestClient(server.url, { cookie: await sessionCookieFor(user, { sessionVersion }), headers });
  }

  const ownData: Record<Actor, Outcome> = { anonymous: "UNAUTHORIZED", userA: "OK", userB: "OK", admin: "OK" };
  const ownedByA: Record<Actor, Outcome> = { anonymous: "UNAUTHORIZED", userA: "OK", userB: "NOT_FOUND", admin: "NOT_FOUND" };
  const adminOnly: Record<Actor, Outcome> = { anonymous: "UNAUTHORIZED", userA: "FORBIDDEN", userB: "FORBIDDEN", admin: "OK" };
  const everyone: Record<Actor, Outcome> = { anonymous: "OK", userA: "OK", userB: "OK", admin: "OK" };

  // Procedures that destroy A's address run for A last, so the others are tried against an address that exists.
  const matrix: { procedure: string; expected: Record<Actor, Outcome>; call: (client: Client, actor: Actor) => Promise<unknown> }[] = [
    { procedure: "account.resendVerification", expected: everyone, call: (client) => client.account.resendVerification.mutate({ email: `nobody-${uniqueSuffix()}@test.flashmart.local` }) },
    { procedure: "account.me", expected: ownData, call: (client) => client.account.me.query() },
    { procedure: "account.updateProfile", expected: ownData, call: (client, actor) => client.account.updateProfile.mutate({ data: { name: `${actor} 이름`, phone: "010-5555-6666" } }) },
    {
      procedure: "account.changePassword",
      expected: ownData,
      call: (client, actor) => {
        const password = actor === "anonymous" ? "Whatever-1!" : users[actor].password;
        const next = validPassword();
        if (actor !== "anonymous") users[actor].password = next;
        return client.account.changePassword.mutate({ currentPassword: password, newPassword: next });
      },
    },
    { procedure: "account.address.list", expected: ownData, call: (client) => client.account.address.list.query() },
    { procedure: "account.address.create", expected: ownData, call: (client) => client.account.address.create.mutate(newAddress) },
    { procedure: "account.address.get", expected: ownedByA, call: (client) => client.account.address.get.query({ id: addressOfA }) },
    { procedure: "account.address.update", expected: ownedByA, call: (client, actor) => client.account.address.update.mutate({ id: addressOfA, data: { ...newAddress, label: `${actor} 수정` } }) },
    { procedure: "account.address.setDefault", expected: ownedByA, call: (client) => client.account.address.setDefault.mutate({ id: addressOfA }) },
    { procedure: "account.address.delete", expected: ownedByA, call: (client) => client.account.address.delete.mutate({ id: addressOfA }) },
    { procedure: "account.logoutEverywhere", expected: ownData, call: (client) => client.account.logoutEverywhere.mutate() },
    { procedure: "adminUser.list", expected: adminOnly, call: (client) => client.adminUser.list.query({ page: 1 }) },
    { procedure: "adminUser.revokeSessions", expected: adminOnly, call: (client) => client.adminUser.revokeSessions.mutate({ userId: users.userB.id }) },
  ];

  it.each(matrix)("$procedure", async ({ call, expected }) => {
    const actual = {} as Record<Actor, Outcome>;
    // userA last: its calls may delete the address the others probe.
    for (const actor of ["anonymous", "userB", "admin", "userA"] as const) {
      actual[actor] = await trpcOutcomeOf<Outcome>(call(await clientFor(actor), actor));
    }
    expect(actual).toEqual(expected);
  });

  it("covers every account procedure", () => {
    const covered = new Set(matrix.map((row) => row.procedure));
    // adminUser.* belongs to the admin dashboard; the two rows above prove its role gate and the force-logout this area owns.
    const procedures = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith("account."));
    // signUp and verifyEmail are public and touch no existing user's data (account.test.ts covers them); viewer is public
    // and answers only about the caller's own session (account-viewer.test.ts covers it).
    const publicProcedures = new Set(["account.signUp", "account.verifyEmail", "account.viewer"]);
    const uncovered = procedures.filter((path) => !covered.has(path) && !publicProcedures.has(path));
    expect(uncovered).toEqual([]);
  });

  it("never lets input choose the owner: A's create with B's userId still belongs to A, B's edits leave A's data alone", async () => {
    const client = await clientFor("userA");
    const created = await client.account.address.create.mutate({ ...newAddress, userId: users.userB.id } as typeof newAddress);
    expect((await db.address.findUniqueOrThrow({ where: { id: created.id } })).userId).toBe(users.userA.id);

    const asB = await clientFor("userB");
    await expect(asB.account.address.update.mutate({ id: created.id, data: { ...newAddress, label: "B가 바꿈" } })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect((await (await clientFor("userA")).account.address.get.query({ id: created.id })).label).toBe("집");
    const listOfB = await asB.account.address.list.query();
    expect(listOfB.map((item) => item.id)).not.toContain(created.id);
  });

  it("answers a nonexistent address id exactly like another user's", async () => {
    const foreignId = (await createAddress(db, users.userA.id, { isDefault: false })).id;
    const client = await clientFor("userB");
    const foreign = await client.account.address.get.query({ id: foreignId }).catch((error: unknown) => error);
    const unknown = await client.account.address.get.query({ id: 2_000_000_000 }).catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(TRPCClientError);
    expect(unknown).toBeInstanceOf(TRPCClientError);
    const [foreignError, unknownError] = [foreign, unknown] as TRPCClientError<AppRouter>[];
    expect([foreignError!.data?.code, foreignError!.message]).toEqual([unknownError!.data?.code, unknownError!.message]);
    expect(foreignError!.data?.code).toBe("NOT_FOUND");
  });
});
