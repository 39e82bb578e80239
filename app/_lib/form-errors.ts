import type { ZodError } from "zod";

import { accountKo } from "~/app/_i18n/account.ts";

/** The shape of a tRPC error on the client, as far as forms care (see errorFormatter in server/api/trpc.ts). */
export type ClientError = {
  message: string;
  data?: { code?: string; zodError?: { fieldErrors: Record<string, string[] | undefined> } | null; domainCode?: string | null; retryAfterS?: number | null } | null;
};

/** First message per field path ("email", "address.postalCode"), from a browser-side validation with the shared schema. */
export function fieldErrorsFromZod(error: ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    errors[path] ??= issue.message;
  }
  return errors;
}

/** First message per top-level field from the server's flattened zodError (the fallback when the browser had no say). */
export function fieldErrorsFromServer(error: ClientError | null | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error?.data?.zodError?.fieldErrors ?? {})) {
    if (messages?.[0]) errors[field] = messages[0];
  }
  return errors;
}

/** The form-level message for a failed call: rate limits say when to retry; server messages are already user-safe. */
export function formErrorMessage(error: ClientError | null | undefined) {
  if (!error) return null;
  if (error.data?.code === "TOO_MANY_REQUESTS" && error.data.retryAfterS) return accountKo.rateLimited(error.data.retryAfterS);
  if (error.data?.zodError) return null;
  return error.message || accountKo.genericError;
}
