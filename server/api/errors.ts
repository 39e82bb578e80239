import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

import { DomainError, isDomainError, type DomainErrorCode } from "~/server/domain/errors.ts";
import { noteDependencyFailure } from "~/server/http/dependency-failure-scope.ts";
import { logger } from "~/server/logger.ts";

const domainToTrpc: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  CONFLICT: "CONFLICT",
  SOLD_OUT: "CONFLICT",
  INVALID_STATE: "PRECONDITION_FAILED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  PAYMENT_DECLINED: "UNPROCESSABLE_CONTENT",
};

/** Safe copy for infrastructure failures: the client learns that it failed and that retrying may help, nothing more. */
export const TEMPORARILY_UNAVAILABLE = "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.";

/** What a caller hears while MySQL or Redis cannot serve it: the same words as the 503 page (server/http/dependency-gate.ts). */
export const SERVICE_UNAVAILABLE_MESSAGE = "일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.";
/** Retry-After for those answers, pages and procedures alike. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_S = 5;

// Prisma's codes for "no usable connection": P1001 unreachable, P1002 timed out, P1008 socket timeout, P1017 closed
// by the server, P1018 transaction already closed, P2024 pool timeout, P2028 transaction API (could not start in
// maxWait, expired or closed: under pressure, the timeout), P2037 too many connections.
const PRISMA_UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P1018", "P2024", "P2028", "P2037"]);

// The mariadb driver's own errnos for the same (node_modules/mariadb/lib/misc/errors.js). Through Prisma they arrive
// as P2010 (raw query) or P2039 (anything else) with the driver error in meta.driverAdapterError.cause.
const MARIADB_UNAVAILABLE_ERRNOS = new Set([
  45001, // ER_CONNECTION_ALREADY_CLOSED
  45004, // ER_CMD_NOT_EXECUTED_DESTROYED
  45009, // ER_SOCKET_UNEXPECTED_CLOSE ("socket has unexpectedly been closed")
  45012, // ER_CONNECTION_TIMEOUT
  45013, // ER_CMD_CONNECTION_CLOSED
  45019, // ER_SOCKET
  45026, // ER_SOCKET_TIMEOUT
  45027, // ER_POOL_ALREADY_CLOSED
  45028, // ER_GET_CONNECTION_TIMEOUT ("pool timeout: failed to retrieve a connection from pool …")
  45037, // ER_CLOSING_POOL
  45042, // ER_PING_TIMEOUT
]);

// Node's socket errors. Prisma surfaces a write on a pooled connection the server already dropped as a
// PrismaClientKnownRequestError whose code is "ECONNRESET"; fetch (Upstash REST) nests them in `cause`.
const SOCKET_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

function isUnavailableCode(code: unknown) {
  return typeof code === "string" ? PRISMA_UNAVAILABLE_CODES.has(code) || SOCKET_ERROR_CODES.has(code) : typeof code === "number" && MARIADB_UNAVAILABLE_ERRNOS.has(code);
}

/**
 * True when an error means MySQL or Redis could not be reached or had no connection to spare (pool timeout,
 * refused, lost, timed out), as opposed to a statement or command that failed. Walks `cause` chains, since drivers
 * and our own wrappers nest the transport error.
 */
export function isDependencyFailure(error: unknown): boolean {
  for (let depth = 0; depth < 5 && typeof error === "object" && error !== null; depth++) {
    const candidate = error as { name?: unknown; code?: unknown; errno?: unknown; errorCode?: unknown; meta?: { driverAdapterError?: { cause?: { code?: unknown } } }; cause?: unknown };
    // By name, not instanceof: Next's bundles and the custom server load separate copies of server/redis.ts.
    if (candidate.name === "RedisUnavailableError") return true;
    if (isUnavailableCode(candidate.code) || isUnavailableCode(candidate.errno) || isUnavailableCode(candidate.errorCode)) return true;
    if (isUnavailableCode(candidate.meta?.driverAdapterError?.cause?.code)) return true;
    error = candidate.cause;
  }
  return false;
}

function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" && /^P\d{4}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}

/** Maps anything a procedure threw to a TRPCError whose message is safe to show. Unknown errors are logged with their cause. */
export function toTRPCError(error: unknown, path?: string): TRPCError {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return noteIfUnavailable(error);

  if (isDomainError(cause)) {
    return noteIfUnavailable(new TRPCError({ code: domainToTrpc[cause.code], message: cause.message, cause }));
  }
  if (isDependencyFailure(cause)) {
    logger.warn({ path, err: cause }, "dependency unavailable");
    // Wrapped in the domain's own UNAVAILABLE so errorFormatter (data.retryAfterS) and every adapter's Retry-After
    // header (server/http/retry-after.ts) treat it like any other outage.
    const unavailable = new DomainError("UNAVAILABLE", SERVICE_UNAVAILABLE_MESSAGE, { retryAfterS: SERVICE_UNAVAILABLE_RETRY_AFTER_S, cause });
    return noteIfUnavailable(new TRPCError({ code: "SERVICE_UNAVAILABLE", message: SERVICE_UNAVAILABLE_MESSAGE, cause: unavailable }));
  }
  switch (prismaErrorCode(cause)) {
    case "P2002":
      return new TRPCError({ code: "CONFLICT", message: "이미 존재하는 항목입니다.", cause });
    case "P2025":
      return new TRPCError({ code: "NOT_FOUND", message: "찾을 수 없습니다.", cause });
  }
  logger.error({ path, err: cause }, "procedure failed");
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: TEMPORARILY_UNAVAILABLE, cause });
}

/** A page whose server components hit an outage is answered 503 rather than 500 (see dependency-failure-scope.ts). */
function noteIfUnavailable(error: TRPCError) {
  if (error.code === "SERVICE_UNAVAILABLE") noteDependencyFailure();
  return error;
}
