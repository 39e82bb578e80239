// The fixtures load .env.local, so they must be imported before anything that reads the environment.
import { appNow, expect, test } from "./fixtures/app";

import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

import { createFlashSale, createProduct } from "~/server/testing/factories.ts";

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
