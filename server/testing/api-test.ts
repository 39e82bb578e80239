import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect } from "vitest";

import type { AppRouter } from "~/server/api/root.ts";
import type { Deps } from "~/server/api/trpc.ts";
import { db } from "~/server/db.ts";
import { createCategory, createProduct, createUser } from "~/server/testing/factories.ts";
import { createTestClient, sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";

/** The tRPC error a call rejects with; the test fails if the call succeeds or rejects with anything else. */
export async function trpcErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

/** "OK" or the tRPC error code a call ends with, for authorization matrices; anything but a tRPC error is rethrown. */
export async function trpcOutcomeOf<Outcome extends string>(call: Promise<unknown>): Promise<Outcome | "OK"> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return (error as TRPCClientError<AppRouter>).data?.code as Outcome;
  }
}

/**
 * The usual frame of a router test over HTTP, registered on the calling describe(): a test server (with injected deps
 * if given), one category for this file's products, and fresh signed-in users. Afterwards it removes the users with
 * any orders (their cart, wishlist and address rows cascade), the category's products and the category.
 */
export function setupApiTest(options: { deps?: Deps } = {}) {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let categoryId: number;
  const userIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ deps: options.deps });
    categoryId = (await createCategory(db)).id;
  });

  afterAll(async () => {
    await deleteUsersWithOrders(db, userIds);
    await db.product.deleteMany({ where: { categoryId } });
    await db.category.delete({ where: { id: categoryId } });
    await server.close();
  });

  return {
    /** The test server's base URL (once beforeAll has run). */
    get url() {
      return server.url;
    },

    async signedInClient() {
      const user = await createUser(db);
      userIds.push(user.id);
      return { user, client: createTestClient(server.url, { cookie: await sessionCookieFor(user) }) };
    },

    product(overrides: Parameters<typeof createProduct>[1] = {}) {
      return createProduct(db, { categoryId, ...overrides });
    },
  };
}
