/** Minimal HTML escaping for values interpolated into email templates. */
export function escapeHtml(value: string | number) {
  return String(value).replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);
}

/** `headers`: extra message headers for the provider (List-Unsubscribe); the local outbox does not keep them. */
export type RenderedEmail = { subject: string; html: string; text: string; template: string; headers?: Record<string, string> };

/**
 * Table-based layout with inline styles: what mail clients (Gmail, Naver, Outlook) reliably render. The card is fluid up
 * to 560 px, so it fits a phone's 360–390 px without sideways scrolling; Outlook for Windows, which ignores max-width,
 * gets a fixed 560 px table in conditional comments.
 * Every template also provides a plain-text part.
 */
export function emailLayout(options: { title: string; preheader: string; bodyHtml: string }) {
  return `<!doctype html>
<html lang="ko">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(options.title)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:'Apple SD Gothic Neo','Malgun Gothic',sans-serif;color:#18181b">
<span style="display:none;max-height:0;overflow:hidden">${escapeHtml(options.preheader)}</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;padding:24px 0">
<tr><td align="center" style="padding:0 12px">
<!--[if mso]><table role="presentation" width="560" cellpadding="0" cellspacing="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:560px;background:#ffffff;border-radius:12px;overflow:hidden">
<tr><td style="background:#e11d48;padding:18px 28px;color:#ffffff;font-size:20px;font-weight:700">FlashMart</td></tr>
<tr><td style="padding:28px;font-size:15px;line-height:1.7;overflow-wrap:anywhere">${options.bodyHtml}</td></tr>
<tr><td style="padding:18px 28px;background:#fafafa;color:#71717a;font-size:12px;line-height:1.6">본 메일은 발신 전용입니다. 문의는 고객센터를 이용해 주세요.<br>FlashMart · 서울특별시</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>`;
}
