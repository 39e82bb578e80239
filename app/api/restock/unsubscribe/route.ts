import { appDeps } from "~/server/app.ts";
import { handleOneClickUnsubscribe, redirectToUnsubscribePage } from "~/server/http/one-click-unsubscribe.ts";

/** A restock mail's List-Unsubscribe target: mail clients POST here (RFC 8058); a plain visit goes to the page. */
export function POST(request: Request) {
  return handleOneClickUnsubscribe(request, appDeps());
}

export function GET(request: Request) {
  return redirectToUnsubscribePage(request, appDeps().config.appUrl);
}
