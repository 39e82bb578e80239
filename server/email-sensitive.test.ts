import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, describe, expect, it } from "vitest";

import { db } from "~/server/db.ts";
import { createEmailSender } from "~/server/email.ts";
import { verificationCodeEmail } from "~/server/emails/templates.ts";
import { uniqueSuffix } from "~/server/testing/factories.ts";

describe("sensitive mail (verification codes)", () => {
  const to = `sensitive-${uniqueSuffix()}@test.flashmart.local`;
  afterAll(async () => {
    await db.emailMessage.deleteMany({ where: { toAddress: to } });
  });

  it("sends the code to Resend but keeps no copy of it in the EmailMessage log", async () => {
    const received: string[] = [];
    const fakeResend = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push(body);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "resend-1" }));
      });
    });
    await new Promise<void>((resolve) => fakeResend.listen(0, "127.0.0.1", resolve));
    try {
      const send = createEmailSender({ resendApiKey: "re_test", resendBaseUrl: `http://127.0.0.1:${(fakeResend.address() as AddressInfo).port}`, from: "FlashMart <no-reply@flashmart.local>" });
      const message = verificationCodeEmail({ name: "김", code: "918273", verifyUrl: "http://x/verify?token=secret-token", expiresInMinutes: 10 });
      const { id } = await send({ db }, { ...message, to, isSensitive: true });

      expect(received.join("")).toContain("918273");
      const stored = await db.emailMessage.findUniqueOrThrow({ where: { id } });
      expect(stored).toMatchObject({ toAddress: to, template: "verification-code", providerId: "resend-1" });
      expect(JSON.stringify(stored)).not.toContain("918273");
      expect(JSON.stringify(stored)).not.toContain("secret-token");
    } finally {
      fakeResend.close();
    }
  });
});
