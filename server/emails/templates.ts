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

/** "오픈 알림", sent minutesLeft before the open time: time enough to open the page and pick an address first. */
export function saleReminderEmail(input: { productName: string; salePrice: number; saleUrl: string; opensAt: Date; minutesLeft: number }): RenderedEmail {
  const price = won(input.salePrice);
  const opensAt = seoulDateTime.format(input.opensAt);
  const subject = `[FlashMart] ${input.productName} 선착순 판매가 ${input.minutesLeft}분 후 시작됩니다`;
  const html = emailLayout({
    title: subject,
    preheader: `${opensAt} 오픈 · ${price}`,
    bodyHtml: `<p>알림을 신청하신 <strong>${escapeHtml(input.productName)}</strong> 선착순 판매가 ${escapeHtml(opensAt)}에 시작됩니다(약 ${input.minutesLeft}분 후).</p>
<p style="font-size:22px;font-weight:700">${escapeHtml(price)}</p>
<p>지금 세일 페이지에서 배송지를 미리 골라 두면, 구매에 성공했을 때 결제 버튼 한 번으로 끝납니다.</p>
${button(input.saleUrl, "세일 페이지 열기")}
<p style="color:#71717a;font-size:13px">수량이 한정되어 있어 조기 품절될 수 있습니다.</p>`,
  });
  const text = `${input.productName} 선착순 판매가 ${opensAt}에 시작됩니다(약 ${input.minutesLeft}분 후).\n판매가: ${price}\n배송지를 미리 골라 두면 결제가 한 번에 끝납니다.\n세일 페이지: ${input.saleUrl}`;
  return { subject, html, text, template: "sale-reminder" };
}

// ── Order lifecycle ─────────────────────────────────────────────────────────────────────────────────────────────
export type OrderEmailInput = {
  name: string;
  orderId: string;
  /** "상품명 외 2건" */
  itemsSummary: string;
  totalAmount: number;
  orderUrl: string;
};

const won = (amount: number) => `${amount.toLocaleString("ko-KR")}원`;
const button = (href: string, label: string) =>
  `<p><a href="${escapeHtml(href)}" style="display:inline-block;background:#e11d48;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none">${escapeHtml(label)}</a></p>`;

/** One layout for every order mail: greeting, what happened, the order in one line, one call to action. */
function orderEmail(template: string, input: OrderEmailInput, content: { subject: string; headline: string; lines: string[]; cta: { href: string; label: string } }): RenderedEmail {
  const subject = `[FlashMart] ${content.subject}`;
  const html = emailLayout({
    title: subject,
    preheader: `${input.itemsSummary} · ${won(input.totalAmount)}`,
    bodyHtml: `<p>${escapeHtml(input.name)}님, 안녕하세요.</p>
<p style="font-size:18px;font-weight:700">${escapeHtml(content.headline)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;margin:16px 0;border:1px solid #e4e4e7;border-radius:8px">
<tr><td style="padding:12px 16px;color:#71717a;width:90px">주문번호</td><td style="padding:12px 16px">${escapeHtml(input.orderId)}</td></tr>
<tr><td style="padding:12px 16px;color:#71717a">상품</td><td style="padding:12px 16px">${escapeHtml(input.itemsSummary)}</td></tr>
<tr><td style="padding:12px 16px;color:#71717a">결제 금액</td><td style="padding:12px 16px;font-weight:700">${escapeHtml(won(input.totalAmount))}</td></tr>
</table>
${content.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n")}
${button(content.cta.href, content.cta.label)}`,
  });
  const text = [
    `${input.name}님, 안녕하세요.`,
    "",
    content.headline,
    `주문번호: ${input.orderId}`,
    `상품: ${input.itemsSummary}`,
    `결제 금액: ${won(input.totalAmount)}`,
    "",
    ...content.lines,
    "",
    `${content.cta.label}: ${content.cta.href}`,
  ].join("\n");
  return { subject, html, text, template };
}

export function orderPlacedEmail(input: OrderEmailInput & { paymentDueAt: Date; payUrl: string }) {
  return orderEmail("order-placed", input, {
    subject: "주문이 접수되었습니다. 결제를 완료해 주세요",
    headline: "주문이 접수되었습니다.",
    lines: [`${seoulDateTime.format(input.paymentDueAt)}까지 결제를 완료해 주세요. 기한이 지나면 주문은 자동으로 취소되고 재고는 다른 고객에게 돌아갑니다.`],
    cta: { href: input.payUrl, label: "결제하기" },
  });
}

export function orderPaidEmail(input: OrderEmailInput) {
  return orderEmail("order-paid", input, {
    subject: "결제가 완료되었습니다",
    headline: "결제가 완료되었습니다. 곧 상품을 보내 드릴게요.",
    lines: ["배송이 시작되면 다시 알려 드립니다. 배송 시작 전에는 주문 상세에서 바로 취소할 수 있습니다."],
    cta: { href: input.orderUrl, label: "주문 상세 보기" },
  });
}

export function orderShippedEmail(input: OrderEmailInput) {
  return orderEmail("order-shipped", input, {
    subject: "상품이 발송되었습니다",
    headline: "주문하신 상품이 발송되었습니다.",
    lines: ["배송이 완료되면 다시 알려 드립니다."],
    cta: { href: input.orderUrl, label: "배송 상태 보기" },
  });
}

export function orderDeliveredEmail(input: OrderEmailInput & { returnDeadline: Date | null }) {
  return orderEmail("order-delivered", input, {
    subject: "배송이 완료되었습니다",
    headline: "주문하신 상품의 배송이 완료되었습니다.",
    lines: input.returnDeadline
      ? [`상품에 문제가 있다면 ${seoulDateTime.format(input.returnDeadline)} 전까지 주문 상세에서 반품을 신청할 수 있습니다. 이후에는 구매가 자동으로 확정됩니다.`]
      : [],
    cta: { href: input.orderUrl, label: "주문 상세 보기" },
  });
}

export function orderCancelledEmail(input: OrderEmailInput & { refundAmount: number | null }) {
  return orderEmail("order-cancelled", input, {
    subject: input.refundAmount ? "주문이 취소되고 환불이 진행됩니다" : "주문이 취소되었습니다",
    headline: "주문이 취소되었습니다.",
    lines: input.refundAmount
      ? [`결제하신 ${won(input.refundAmount)}은 결제하신 카드로 환불됩니다. 카드사에 따라 환불 확인까지 3~5영업일이 걸릴 수 있습니다.`]
      : ["결제 전 주문이라 청구된 금액은 없습니다."],
    cta: { href: input.orderUrl, label: "주문 상세 보기" },
  });
}

export function returnCompletedEmail(input: OrderEmailInput & { refundAmount: number | null }) {
  return orderEmail("order-returned", input, {
    subject: "반품이 완료되었습니다",
    headline: "반품 상품이 도착하여 반품이 완료되었습니다.",
    lines: input.refundAmount ? [`${won(input.refundAmount)}은 결제하신 카드로 환불됩니다. 카드사에 따라 환불 확인까지 3~5영업일이 걸릴 수 있습니다.`] : [],
    cta: { href: input.orderUrl, label: "주문 상세 보기" },
  });
}

// ── Restock alerts ──────────────────────────────────────────────────────────────────────────────────────────────
/**
 * "재입고 알림": what the shopper asked about is buyable again. Sent once per alert (the alert ends with it), so the
 * mail says how to be told next time; the unsubscribe link works without signing in.
 */
export function restockAlertEmail(input: {
  name: string;
  productName: string;
  price: number;
  /** A flash sale's units came back, rather than a product's stock. */
  isSale: boolean;
  pageUrl: string;
  unsubscribeUrl: string;
  /** List-Unsubscribe and List-Unsubscribe-Post, for the mail client's own unsubscribe button. */
  headers: Record<string, string>;
}): RenderedEmail {
  const what = input.isSale ? "선착순 세일 수량" : "상품";
  const subject = `[FlashMart] ${input.productName} 재입고 알림`;
  const headline = input.isSale ? `${input.productName} 선착순 세일에 구매 가능한 수량이 다시 생겼습니다.` : `${input.productName} 상품이 다시 입고되었습니다.`;
  const html = emailLayout({
    title: subject,
    preheader: `${won(input.price)} · 수량이 한정되어 있어 곧 품절될 수 있습니다`,
    bodyHtml: `<p>${escapeHtml(input.name)}님, 안녕하세요.</p>
<p style="font-size:18px;font-weight:700">${escapeHtml(headline)}</p>
<p style="font-size:22px;font-weight:700">${escapeHtml(won(input.price))}</p>
${button(input.pageUrl, "지금 구매하기")}
<p style="color:#71717a;font-size:13px">알림을 신청하신 ${escapeHtml(what)}에 대한 알림은 이번 한 번만 보내 드립니다. 다시 품절되면 페이지에서 재입고 알림을 다시 신청해 주세요.</p>
<p style="color:#71717a;font-size:13px">더 이상 이 알림을 받지 않으려면 <a href="${escapeHtml(input.unsubscribeUrl)}" style="color:#71717a">알림 해지</a>를 눌러 주세요.</p>`,
  });
  const text = [
    `${input.name}님, 안녕하세요.`,
    "",
    headline,
    `가격: ${won(input.price)}`,
    `지금 구매하기: ${input.pageUrl}`,
    "",
    "이 알림은 한 번만 보내 드립니다. 다시 품절되면 페이지에서 재입고 알림을 다시 신청해 주세요.",
    `알림 해지: ${input.unsubscribeUrl}`,
  ].join("\n");
  return { subject, html, text, template: "restock-alert", headers: input.headers };
}
