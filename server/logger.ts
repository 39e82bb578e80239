import { env } from "~/server/env.js";

/**
 * A deliberately small structured logger (JSON lines on stderr). Personal data is never passed to it:
 * callers log ids, not decrypted values.
 */
const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause: unknown = error.cause;
  return { name: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack, cause: cause ? serializeError(cause) : undefined };
}

/** One error-level entry as the admin's system page shows it: the log message and codes, never values or PII. */
export type RecentError = { time: string; message: string; path: string | null; errorName: string | null; errorCode: string | null };

const RECENT_ERRORS_LIMIT = 50;
// Per process, newest last. The admin's system page reads it; a restart clears it (the JSON log lines are the record).
const recentErrorBuffer: RecentError[] = [];

function codeOf(value: unknown) {
  return typeof value === "string" || typeof value === "number" ? String(value).slice(0, 64) : null;
}

/**
 * Keeps only what identifies a failure: the message the code chose, the procedure path and the error's name/code.
 * Error messages are left out because drivers and libraries may echo input values into them.
 */
function rememberError(fields: Record<string, unknown>, message: string, time: string) {
  const error = fields.err;
  const errorLike = typeof error === "object" && error !== null ? (error as { name?: unknown; code?: unknown }) : null;
  recentErrorBuffer.push({
    time,
    message: message.slice(0, 200),
    path: typeof fields.path === "string" ? fields.path.slice(0, 100) : null,
    errorName: errorLike && typeof errorLike.name === "string" ? errorLike.name.slice(0, 64) : null,
    errorCode: errorLike ? codeOf(errorLike.code) : null,
  });
  if (recentErrorBuffer.length > RECENT_ERRORS_LIMIT) recentErrorBuffer.splice(0, recentErrorBuffer.length - RECENT_ERRORS_LIMIT);
}

/** The last error-level entries of this process, newest first. */
export function recentErrors(): RecentError[] {
  return recentErrorBuffer.toReversed();
}

function write(level: Level, fields: Record<string, unknown>, message: string) {
  if (level === "error") rememberError(fields, message, new Date().toISOString());
  if (levels[level] < levels[env.LOG_LEVEL]) return;
  const entry: Record<string, unknown> = { level, time: new Date().toISOString(), msg: message, ...fields };
  if ("err" in entry) entry.err = serializeError(entry.err);
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

export const logger = {
  debug: (fields: Record<string, unknown>, message: string) => write("debug", fields, message),
  info: (fields: Record<string, unknown>, message: string) => write("info", fields, message),
  warn: (fields: Record<string, unknown>, message: string) => write("warn", fields, message),
  error: (fields: Record<string, unknown>, message: string) => write("error", fields, message),
};
