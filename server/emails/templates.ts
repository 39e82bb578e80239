import { emailLayout, escapeHtml, type RenderedEmail } from "~/server/emails/layout.ts";

const seoulDateTime = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", dateStyle: "long", timeStyle: "short" });

export function verificationCodeEmail(input: { name: string; code: string; verifyUrl: string; expiresInMinutes: number }): RenderedEmail {
  const subject = `[FlashMart] 이메일 인증번호 ${input.code}`;
  const html = emailLayout({
    title: subject,
    preheader: `인증번호 ${input.code} (${input.expiresInMinutes}분 안에 입력해 주세요)`,
    bodyHtml: `<p>${escapeHtml(input.name)}님, 안녕하세요.</p>
<p>아래 인증번호를 ${input.expiresInMinutes}분 안에 입력해 주세요.</p>
<p style="font-size:32px;font-weight:700;letter-spacing:8px;margin:24px 0">${escapeHtml(input.code)}</p>
<p><a href="${escapeHtml(input.verifyUrl)}" style="display:inline-block;background:#e11d48;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none">이메일 인증하기</a></p>
<p style="color:#71717a;font-size:13px">본인이 요청하지 않았다면 이 메일을 무시해 주세요.</p>`,
  });
  const text = `${input.name}님, 안녕하세요.\n\n인증번호: ${input.code}\n${input.expiresInMinutes}분 안에 입력해 주세요.\n\n바로 인증하기: ${input.verifyUrl}\n\n본인이 요청하지 않았다면 이 메일을 무시해 주세요.`;
  return { subject, html, text, template: "verification-code" };
}

export function saleOpenedEmail(input: { productName: string; salePrice: number; saleUrl: string; opensAt: Date }): RenderedEmail {
  const price = `${input.salePrice.toLocaleString("ko-KR")}원`;
  const subject = `[FlashMart] ${input.productName} 선착순 판매가 시작되었습니다`;
  const html = emailLayout({
    title: subject,
    preheader: `${price}, 지금 구매하세요`,
    bodyHtml: `<p>알림을 신청하신 <strong>${escapeHtml(input.productName)}</strong> 선착순 판매가 ${escapeHtml(seoulDateTime.format(input.opensAt))}에 시작되었습니다.</p>
<p style="font-size:22px;font-weight:700">${escapeHtml(price)}</p>
<p><a href="${escapeHtml(input.saleUrl)}" style="display:inline-block;background:#e11d48;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none">지금 구매하기</a></p>
<p style="color:#71717a;font-size:13px">수량이 한정되어 있어 조기 품절될 수 있습니다.</p>`,
  });
  const text = `${input.productName} 선착순 판매가 시작되었습니다.\n판매가: ${price}\n구매하기: ${input.saleUrl}`;
  return { subject, html, text, template: "sale-opened" };
}
