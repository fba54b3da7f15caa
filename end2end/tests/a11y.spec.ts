import AxeBuilder from "@axe-core/playwright";
import * as fs from "fs";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

/** axe-core's WCAG 2 A and AA rules on the page as it stands. */
async function violations(page: import("@playwright/test").Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

test("every page passes axe-core's WCAG 2 A/AA rules", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  expect(await violations(page), "/login").toEqual([]);

  await signIn(page, ADMIN.email, ADMIN.password);
  // A finished job, so the history, dashboard and job page have content.
  const md = fs.readFileSync(path.join(__dirname, "../../server/samples/outlines/workplace-fire-safety.md"));
  const outline = await (await page.request.post("/api/outline/upload", { data: md })).json();
  const id: string = await (
    await page.request.post("/api/jobs/start", {
      data: { spec: { schema: 1, title: "Accessible course", days: 1, language: "en", template: "Ocean.pptx", outline } },
    })
  ).json();
  for (const p of ["/", "/new", "/history", "/usage", "/tokens", "/webhooks", "/admin/users", `/jobs/${id}`]) {
    await page.goto(p);
    await hydrated(page);
    if (p.startsWith("/jobs/")) {
      await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
    }
    expect(await violations(page), p).toEqual([]);
  }
  // The slide grid and the large view of a slide.
  await expect(page.getByTestId("thumbs").locator("img").first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Open slide 1", exact: true }).click();
  await expect(page.getByTestId("slide-view")).toBeVisible();
  expect(await violations(page), "slide view").toEqual([]);
});
