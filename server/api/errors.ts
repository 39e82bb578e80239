import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

import { isDomainError, type DomainErrorCode } from "~/server/domain/errors.ts";
import { logger } from "~/server/logger.ts";

const domainToTrpc: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  CONFLICT: "CONFLICT",
  SOLD_OUT: "CONFLICT",
  SALE_NOT_OPEN: "PRECONDITION_FAILED",
  INVALID_STATE: "PRECONDITION_FAILED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  PAYMENT_DECLINED: "UNPROCESSABLE_CONTENT",
};

/** Safe copy for infrastructure failures: the client learns that it failed and that retrying may help, nothing more. */
export const TEMPORARILY_UNAVAILABLE = "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.";

function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" && /^P\d{4}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}

/** Maps anything a procedure threw to a TRPCError whose message is safe to show. Unknown errors are logged with their cause. */
export function toTRPCError(error: unknown, path?: string): TRPCError {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return error;

  if (isDomainError(cause)) {
    return new TRPCError({ code: domainToTrpc[cause.code], message: cause.message, cause });
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
