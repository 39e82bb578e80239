/**
 * tRPC setup, in sections: context → init → middleware → procedures.
 * The same router is served three ways: the Node HTTP adapter in server/main.ts (the fast path), the Next route
 * handler (serverless hosting), and server components through createCaller.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";

import { toTRPCError } from "~/server/api/errors.ts";
import { appDeps } from "~/server/app.ts";
import type { AppDeps } from "~/server/deps.ts";
import { isDomainError } from "~/server/domain/errors.ts";
import { env } from "~/server/env.js";
import type { SessionUser } from "~/server/session.ts";

// ── 1. Context ──────────────────────────────────────────────────────────────────────────────────────────────────
/** What procedures hand to the domain: the composition root's dependencies (server/app.ts). */
export type Deps = AppDeps;

export type ContextInput = {
  session: SessionUser | null;
  /** Client address as seen by the server (used by rate limits). */
  ip: string;
  /** The Origin (or Referer origin) header of the request, for the CSRF check on mutations. */
  origin: string | null;
  /** The Host header, so a same-origin request is recognised behind any hostname. */
  host: string | null;
  deps?: Deps;
  /** Adds a header to the HTTP response (the re-issued session cookie after a password change); absent for RSC calls. */
  appendResponseHeader?: (name: string, value: string) => void;
};

export function createInnerContext(input: ContextInput) {
  return {
    session: input.session,
    ip: input.ip,
    origin: input.origin,
    host: input.host,
    deps: input.deps ?? appDeps(),
    appendResponseHeader: input.appendResponseHeader ?? null,
  };
}
export type Context = ReturnType<typeof createInnerContext>;

// ── 2. Init ─────────────────────────────────────────────────────────────────────────────────────────────────────
/** Set with `.meta({ … })` on a procedure. */
export type ProcedureMeta = {
  /**
   * Served by server/http/trpc-fast-path.ts, which skips tRPC's HTTP layer (≈0.25 ms a request) but runs the same
   * procedure with the same context, session included. For hot, single-call procedures only: polls and the sale's
   * reservation.
   */
  fastPath?: boolean;
  /**
   * With fastPath: the procedure never reads ctx.session (a purchase token or nothing identifies the caller), so the
   * fast path leaves the cookie alone and ctx.session is null. Resolving a session costs a Redis round trip for its
   * revocation check (tens of µs of CPU, against a few µs for the cached decode: scripts/bench-session.ts), which
   * every signed-in browser's poll and reservation would pay for nothing. A protected procedure marked so answers 401
   * to everyone, so its tests catch it.
   */
  ignoresSession?: boolean;
};

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  transformer: superjson,
  isDev: env.NODE_ENV !== "production",
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Forms show field errors from here; domainCode lets the UI pick precise copy.
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        domainCode: isDomainError(cause) ? cause.code : null,
        retryAfterS: isDomainError(cause) ? (cause.retryAfterS ?? null) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

// ── 3. Middleware ───────────────────────────────────────────────────────────────────────────────────────────────
/** For middleware factories that live beside their feature (server/api/rate-limit-middleware.ts). */
export const createMiddleware = t.middleware;

/**
 * Every procedure's one base middleware, with two jobs:
 * - State-changing calls must come from our own pages: a browser always sends Origin on cross-site POSTs, so a
 *   mismatching Origin is a forged request. Calls without Origin (server-side callers, scripts with a session
 *   cookie they own) are not browser CSRF and pass.
 * - It is the one place where domain, Prisma and unknown errors become tRPC errors with safe messages.
 * One middleware rather than two because each level of tRPC's middleware chain costs a few microseconds (it copies
 * its options object), and the reservation hot path pays every level.
 */
const baseMiddleware = t.middleware(async ({ ctx, type, next, path }) => {
  if (type === "mutation" && ctx.origin && !isSameOrigin(ctx.origin, ctx.host)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "허용되지 않은 요청 출처입니다." });
  }
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error, path);
  return result;
});

const appOrigin = new URL(env.APP_URL).host;
function isSameOrigin(origin: string, host: string | null) {
  try {
    const originHost = new URL(origin).host;
    return originHost === host || originHost === appOrigin;
  } catch {
    return false;
  }
}

// ── 4. Procedures ───────────────────────────────────────────────────────────────────────────────────────────────
export const publicProcedure = t.procedure.use(baseMiddleware);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "로그인이 필요합니다." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.session.role !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "관리자만 사용할 수 있습니다." });
  return next();
});
