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

function write(level: Level, fields: Record<string, unknown>, message: string) {
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
