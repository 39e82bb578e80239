// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { appNow, expect, signInContext, test } from "./fixtures/app";

import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

import { createAddress, createFlashSale, createProduct, createUser } from "~/server/testing/factories.ts";

/**
 * axe on the storefront's main pages, at desktop width ("chromium" project) and on a phone ("mobile" project): no
 * serious or critical WCAG 2.1 A/AA violation (contrast included).
 */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")} ${node.failureSummary ?? ""}`) }));
}

test("home, product, sale and login pages have no serious or critical axe violations", async ({ page, db }) => {
  // Four full axe runs: well over the default 30 s on a busy 2-core machine.
  test.setTimeout(120_000);
  const product = await createProduct(db, { price: 24_000, stock: 4 });
  // A sale opening in an hour shows on the home page's strip (sale price beside the struck-through one).
  const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() + 3_600_000), salePrice: 19_000 });

  for (const path of ["/", `/products/${product.id}`, `/sales/${sale.id}`, "/login"]) {
    await page.goto(path);
    await expect(page.locator("main#main")).toBeVisible();
    expect(await seriousViolations(page), path).toEqual([]);
  }
});

test("a signed-in buyer's sale page before the open (the readiness island) has no serious or critical axe violations", async ({ page, context, db }) => {
  test.setTimeout(60_000);
  const sale = await createFlashSale(db, { opensAt: new Date((await appNow()).getTime() + 3_600_000), salePrice: 19_000 });
  const buyer = await createUser(db);
  await createAddress(db, buyer.id, { label: "우리집" });
  await signInContext(context, buyer);

  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByRole("region", { name: "결제 미리 준비하기" }).getByRole("radio", { name: /우리집/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
