/**
 * RFC 8058 one-click unsubscribe from a restock mail's List-Unsubscribe header, against real MariaDB: the POST a mail
 * provider sends cancels exactly that alert; anything else changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApp } from "~/server/app.ts";
import { fixedClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { ONE_CLICK_UNSUBSCRIBE_PATH, issueRestockUnsubscribeToken, restockUnsubscribeLinks } from "~/server/domain/restock/unsubscribe-token.ts";
import { handleOneClickUnsubscribe, redirectToUnsubscribePage } from "~/server/http/one-click-unsubscribe.ts";
import { redis } from "~/server/redis.ts";
import { createProduct, createUser } from "~/server/testing/factories.ts";

const NOW = new Date("2033-07-01T02:00:00.000Z");
const deps = createApp({ db, redis, clock: fixedClock(NOW) });
const APP_URL = "https://shop.example";
let subscriptionId: number;
let otherSubscriptionId: number;
let productId: number;
const userIds: string[] = [];

beforeAll(async () => {
  const product = await createProduct(db, { stock: 0, status: "SOLD_OUT" });
  productId = product.id;
  const [user, other] = [await createUser(db), await createUser(db)];
  userIds.push(user.id, other.id);
  subscriptionId = (await db.restockSubscription.create({ data: { userId: user.id, productId } })).id;
  otherSubscriptionId = (await db.restockSubscription.create({ data: { userId: other.id, productId } })).id;
});

afterAll(async () => {
  await db.restockSubscription.deleteMany({ where: { productId } });
  await db.user.deleteMany({ where: { id: { in: userIds } } });
  await db.product.delete({ where: { id: productId } });
});

const tokenFor = (id: number) => issueRestockUnsubscribeToken(deps.config.authSecret, id, NOW.getTime());
/** The request a mail provider sends to the List-Unsubscribe URL. */
function post(url: string, body = "List-Unsubscribe=One-Click") {
  return new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
}
const canceledAt = async (id: number) => (await db.restockSubscription.findUniqueOrThrow({ where: { id } })).canceledAt;

describe("one-click unsubscribe", () => {
  it("puts a one-click URL carrying the mail link's token in the List-Unsubscribe header", () => {
    const token = tokenFor(subscriptionId);
    const links = restockUnsubscribeLinks(APP_URL, token);
    expect(links.pageUrl).toBe(`${APP_URL}/restock/unsubscribe?token=${encodeURIComponent(token)}`);
    expect(links.headers).toEqual({
      "List-Unsubscribe": `<${APP_URL}${ONE_CLICK_UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });

  it("refuses anything but the one-click form, a bad token or a huge body, and changes nothing", async () => {
    const url = /<(.+)>/.exec(restockUnsubscribeLinks(APP_URL, tokenFor(subscriptionId)).headers["List-Unsubscribe"])![1]!;
    expect((await handleOneClickUnsubscribe(post(url, ""), deps)).status).toBe(400);
    expect((await handleOneClickUnsubscribe(post(url, "List-Unsubscribe=Yes"), deps)).status).toBe(400);
    expect((await handleOneClickUnsubscribe(post(`${APP_URL}${ONE_CLICK_UNSUBSCRIBE_PATH}?token=r1.1.2.forged`), deps)).status).toBe(400);
    expect((await handleOneClickUnsubscribe(post(`${APP_URL}${ONE_CLICK_UNSUBSCRIBE_PATH}`), deps)).status).toBe(400);
    const huge = new Request(url, { method: "POST", headers: { "content-length": "5000" }, body: "x".repeat(5_000) });
    expect((await handleOneClickUnsubscribe(huge, deps)).status).toBe(413);
    expect(await canceledAt(subscriptionId)).toBeNull();
  });

  it("cancels exactly that alert, and saying it again answers the same", async () => {
    const url = /<(.+)>/.exec(restockUnsubscribeLinks(APP_URL, tokenFor(subscriptionId)).headers["List-Unsubscribe"])![1]!;
    const first = await handleOneClickUnsubscribe(post(url), deps);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("재입고 알림이 해지되었습니다.");
    expect(await canceledAt(subscriptionId)).toEqual(NOW);
    expect((await handleOneClickUnsubscribe(post(url), deps)).status).toBe(200);
    expect(await canceledAt(otherSubscriptionId)).toBeNull();
  });

  it("sends a plain visit of the header's URL to the confirmation page", () => {
    const token = tokenFor(otherSubscriptionId);
    const response = redirectToUnsubscribePage(new Request(`${APP_URL}${ONE_CLICK_UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`), APP_URL);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(restockUnsubscribeLinks(APP_URL, token).pageUrl);
  });
});
