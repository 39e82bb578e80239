import { afterAll, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import type { EmailSender } from "~/server/email.ts";
import { dueOperations, type DueWorkDeps } from "~/server/domain/due-work/due-operations.ts";
import { saleOpened } from "~/server/domain/events.ts";
import { saleEventHandlers } from "~/server/domain/sales/event-handlers.ts";
import { remindSaleSubscribers } from "~/server/domain/sales/notify-subscribers.ts";
import { openDueSales } from "~/server/domain/sales/open-due-sales.ts";
import { createFlashSale, createUser } from "~/server/testing/factories.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

// Far in the future and a day apart per test: the sweep is global, so no other file's sale (opening around now) and
// no earlier test's sale is ever due at these clocks.
const DAY = 24 * 3_600_000;
const MINUTE = 60_000;
const BASE = new Date("2193-05-01T03:00:00.000Z").getTime();
const LEAD_MINUTES = 10;

const clock = fixedClock(BASE);
const config = { ...configFromEnv(), appUrl: "https://shop.example", saleReminderLeadMinutes: LEAD_MINUTES };
const app = createApp({ clock, config });
const deps: DueWorkDeps = { ...app, dispatch: async () => undefined };
const remind = () => dueOperations["remind-sale-subscribers"](deps);

const saleIds: number[] = [];
const userEmails: string[] = [];

afterAll(async () => {
  await db.emailMessage.deleteMany({ where: { toAddress: { in: userEmails } } });
  for (const saleId of saleIds) await deleteSaleCompletely(app, saleId);
});

async function saleWithSubscribers(input: { opensAt: number; subscribers: number; state?: "SCHEDULED" | "OPEN" | "PAUSED" | "SOLD_OUT" | "CLOSED"; closesAt?: number }) {
  const sale = await createFlashSale(db, {
    opensAt: new Date(input.opensAt),
    state: input.state ?? "SCHEDULED",
    closesAt: input.closesAt === undefined ? null : new Date(input.closesAt),
  });
  saleIds.push(sale.id);
  const users = [];
  for (let index = 0; index < input.subscribers; index += 1) {
    const user = await createUser(db);
    userEmails.push(user.email);
    await db.saleSubscription.create({ data: { saleId: sale.id, userId: user.id } });
    users.push(user);
  }
  return { sale, users };
}

function mailsTo(email: string) {
  return db.emailMessage.findMany({ where: { toAddress: email }, select: { template: true, subject: true, text: true } });
}

describe("remind-sale-subscribers", () => {
  it("mails each subscriber once, the configured lead before the open and not a second earlier; the open sends nothing more", async () => {
    const opensAt = BASE + DAY;
    const { sale, users } = await saleWithSubscribers({ opensAt, subscribers: 3 });
    const bystander = await createUser(db);
    userEmails.push(bystander.email);

    clock.set(opensAt - LEAD_MINUTES * MINUTE - 1_000);
    expect(await remind()).toEqual({ processed: 0 });
    expect(await db.saleSubscription.count({ where: { saleId: sale.id, notifiedAt: { not: null } } })).toBe(0);

    clock.set(opensAt - LEAD_MINUTES * MINUTE);
    expect(await remind()).toEqual({ processed: 3 });
    for (const user of users) {
      const mails = await mailsTo(user.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.template).toBe("sale-reminder");
      expect(mails[0]!.subject).toContain(`${LEAD_MINUTES}분 후 시작됩니다`);
      // The link is the sale page, built from deps.config (not the environment).
      expect(mails[0]!.text).toContain(`https://shop.example/sales/${sale.id}`);
    }
    expect(await mailsTo(bystander.email)).toHaveLength(0);

    clock.advance(MINUTE);
    expect(await remind()).toEqual({ processed: 0 });

    // The open: the sale opens and its opened event is handled in-process, as the runner would. Nobody gets more mail.
    clock.set(opensAt);
    await openDueSales(deps);
    await saleEventHandlers(deps)[saleOpened.name]!({ id: 0, name: saleOpened.name, payload: { saleId: sale.id } });
    expect(await remind()).toEqual({ processed: 0 });
    for (const user of users) expect(await mailsTo(user.email)).toHaveLength(1);
  });

  it("sends one mail per subscriber when runs race (the in-process runner and Inngest at once)", async () => {
    const opensAt = BASE + 2 * DAY;
    const { users } = await saleWithSubscribers({ opensAt, subscribers: 12 });
    clock.set(opensAt - 5 * MINUTE);

    const results = await Promise.all(Array.from({ length: 6 }, () => remind()));

    expect(results.reduce((sum, result) => sum + result.processed, 0)).toBe(12);
    for (const user of users) {
      const mails = await mailsTo(user.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toContain("5분 후 시작됩니다");
    }
  });

  it("mails nobody about a closed (cancelled), sold-out or ended sale; a subscription first reached after the open gets the 'started' wording", async () => {
    const opensAt = BASE + 3 * DAY;
    const closed = await saleWithSubscribers({ opensAt, subscribers: 1, state: "CLOSED" });
    const soldOut = await saleWithSubscribers({ opensAt, subscribers: 1, state: "SOLD_OUT" });
    const ended = await saleWithSubscribers({ opensAt: opensAt - 2 * 3_600_000, closesAt: opensAt - MINUTE, subscribers: 1, state: "OPEN" });
    const late = await saleWithSubscribers({ opensAt: opensAt - 2 * MINUTE, subscribers: 1, state: "OPEN" });
    clock.set(opensAt - MINUTE);

    expect(await remind()).toEqual({ processed: 1 });

    for (const { users } of [closed, soldOut, ended]) expect(await mailsTo(users[0]!.email)).toHaveLength(0);
    const lateMails = await mailsTo(late.users[0]!.email);
    expect(lateMails.map((mail) => mail.template)).toEqual(["sale-opened"]);
    expect(lateMails[0]!.text).toContain(`https://shop.example/sales/${late.sale.id}`);
  });

  it("gives the claim back when a send fails, so the next run mails that subscriber", async () => {
    const opensAt = BASE + 4 * DAY;
    const { sale, users } = await saleWithSubscribers({ opensAt, subscribers: 2 });
    clock.set(opensAt - MINUTE);
    const failing = users[0]!.email;
    const flakySender: EmailSender = async (senderDeps, message) => {
      if (message.to === failing) throw new Error("smtp down");
      return app.sendEmail(senderDeps, message);
    };

    expect(await remindSaleSubscribers({ ...deps, sendEmail: flakySender })).toEqual({ processed: 1 });
    expect(await mailsTo(failing)).toHaveLength(0);
    expect(await db.saleSubscription.count({ where: { saleId: sale.id, notifiedAt: null } })).toBe(1);

    expect(await remind()).toEqual({ processed: 1 });
    expect(await mailsTo(failing)).toHaveLength(1);
    expect(await mailsTo(users[1]!.email)).toHaveLength(1);
  });
});
