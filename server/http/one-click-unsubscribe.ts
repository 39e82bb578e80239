import type { DepsOf } from "~/server/deps.ts";
import { isDomainError } from "~/server/domain/errors.ts";
import { unsubscribeRestockAlert, unsubscribeRestockAlertInput } from "~/server/domain/restock/unsubscribe-restock-alert.ts";
import { restockUnsubscribeLinks } from "~/server/domain/restock/unsubscribe-token.ts";
import { logger } from "~/server/logger.ts";

// The one field RFC 8058 defines, form-encoded: anything much longer is not a mail client's one-click request.
const MAX_BODY_BYTES = 1_024;

const text = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs `List-Unsubscribe=One-Click` to the header's URL, with no
 * cookies and no page. The body must say exactly that, so a stray POST cannot unsubscribe anyone; the signed token
 * is the proof, as on the mail's own link, and repeating it is harmless.
 */
export async function handleOneClickUnsubscribe(request: Request, deps: DepsOf<"db" | "clock" | "config">) {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return text(413, "요청이 너무 큽니다.");
  const form = new URLSearchParams((await request.text()).slice(0, MAX_BODY_BYTES));
  if (form.get("List-Unsubscribe") !== "One-Click") return text(400, "List-Unsubscribe=One-Click 요청만 처리합니다.");
  const input = unsubscribeRestockAlertInput.safeParse({ token: new URL(request.url).searchParams.get("token") ?? undefined });
  if (!input.success) return text(400, "알림 해지 링크가 올바르지 않습니다.");
  try {
    await unsubscribeRestockAlert(deps, input.data);
    return text(200, "재입고 알림이 해지되었습니다.");
  } catch (error) {
    if (isDomainError(error)) return text(error.code === "NOT_FOUND" ? 404 : 400, error.message);
    logger.error({ err: error }, "one-click unsubscribe failed");
    return text(500, "잠시 후 다시 시도해 주세요.");
  }
}

/** A client that opens the header's URL instead of POSTing lands on the mail link's confirmation page. */
export function redirectToUnsubscribePage(request: Request, appUrl: string) {
  return Response.redirect(restockUnsubscribeLinks(appUrl, new URL(request.url).searchParams.get("token") ?? "").pageUrl, 303);
}
