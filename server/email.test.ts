import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, describe, expect, it } from "vitest";

import { db } from "~/server/db.ts";
import { createEmailSender } from "~/server/email.ts";
import { saleOpenedEmail, verificationCodeEmail } from "~/server/emails/templates.ts";
import { uniqueSuffix } from "~/server/testing/factories.ts";

describe("email", () => {
  const to = `mail-${uniqueSuffix()}@test.flashmart.local`;
  afterAll(async () => {
    await db.emailMessage.deleteMany({ where: { toAddress: to } });
  });

  it("renders Korean HTML and text parts and escapes interpolated values", () => {
    const email = verificationCodeEmail({ name: "<김>", code: "123456", verifyUrl: "http://localhost:3000/verify?t=a&b", expiresInMinutes: 10 });
    expect(email.subject).toContain("인증번호 123456");
    expect(email.html).toContain("&lt;김&gt;");
    expect(email.html).not.toContain("<김>");
    expect(email.html).toContain("t=a&amp;b");
    expect(email.text).toContain("인증번호: 123456");
    const sale = saleOpenedEmail({ productName: "한정판", salePrice: 129_000, saleUrl: "http://x/sales/1", opensAt: new Date("2030-01-01T03:00:00Z") });
    expect(sale.html).toContain("129,000원");
    expect(sale.html).toContain("2030년 1월 1일");
  });

  it("records the message in the local outbox when no Resend key is set", async () => {
    const send = createEmailSender({ from: "FlashMart <no-reply@flashmart.local>" });
    const { id } = await send({ db }, { to, ...verificationCodeEmail({ name: "김", code: "654321", verifyUrl: "http://x", expiresInMinutes: 10 }) });
    const stored = await db.emailMessage.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ toAddress: to, template: "verification-code", providerId: null });
    expect(stored.text).toContain("654321");
  });

  it("hands the message to Resend when a key is set, and surfaces Resend's failures", async () => {
    let shouldFail = false;
    const received: unknown[] = [];
    const fakeResend = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push(JSON.parse(body));
        if (shouldFail) {
          res.writeHead(422, { "content-type": "application/json" });
          res.end(JSON.stringify({ name: "validation_error", message: "bad", statusCode: 422 }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "re_123" }));
      });
    });
    await new Promise<void>((resolve) => fakeResend.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(fakeResend.address() as AddressInfo).port}`;
    const send = createEmailSender({ resendApiKey: "re_test", resendBaseUrl: baseUrl, from: "FlashMart <a@b.c>" });

    const listUnsubscribe = { "List-Unsubscribe": "<https://shop.example/api/restock/unsubscribe?token=t>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
    const message = { ...saleOpenedEmail({ productName: "p", salePrice: 1, saleUrl: "http://x", opensAt: new Date() }), headers: listUnsubscribe };
    const { id } = await send({ db }, { to, ...message });
    expect((await db.emailMessage.findUniqueOrThrow({ where: { id } })).providerId).toBe("re_123");
    expect(received[0]).toMatchObject({ to, from: "FlashMart <a@b.c>", headers: listUnsubscribe });

    shouldFail = true;
    await expect(send({ db }, { to, ...saleOpenedEmail({ productName: "p", salePrice: 1, saleUrl: "http://x", opensAt: new Date() }) })).rejects.toThrow(/delivery failed/);
    fakeResend.close();
  });
});
