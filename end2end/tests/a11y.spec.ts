import AxeBuilder from "@axe-core/playwright";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, startCourse, test } from "./helpers";

/** Every page a signed-in administrator has, with the job page of `id`. */
function signedInPages(id: string): string[] {
  return ["/", "/new", "/history", "/usage", "/tokens", "/webhooks", "/admin/users", "/account", `/jobs/${id}`];
}

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
  const id = await startCourse(page, "Accessible course");
  for (const p of signedInPages(id)) {
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

/** How far the page is wider than the window (0: no sideways scroll). */
async function overflow(page: import("@playwright/test").Page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("every page fits a 360 px phone with no sideways scroll, the slide view too", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/login");
  await hydrated(page);
  expect(await overflow(page), "/login").toBe(0);
  await signIn(page, ADMIN.email, ADMIN.password);
  const id = await startCourse(page, "A course read on a phone, with a title long enough to wrap twice");
  for (const p of signedInPages(id)) {
    await page.goto(p);
    await hydrated(page);
    if (p.startsWith("/jobs/")) {
      await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
      await expect(page.getByTestId("qa-report")).toBeVisible();
    }
    expect(await overflow(page), p).toBe(0);
  }
  // New course with an outline read: the tree and the timetable fit too.
  await page.goto("/new");
  await hydrated(page);
  await page.locator("#outline-file").setInputFiles(path.join(__dirname, "../../server/samples/outlines/workplace-fire-safety.md"));
  await expect(page.getByTestId("outline-tree")).toBeVisible();
  expect(await overflow(page), "/new with an outline").toBe(0);
  for (const label of ["Starts", "Ends"]) {
    const box = (await page.getByLabel(label, { exact: true }).boundingBox())!;
    expect(box.x + box.width, label).toBeLessThanOrEqual(360);
  }
  // The slide view: the slide, its notes and every button on the screen.
  await page.goto(`/jobs/${id}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Open slide 1", exact: true }).click();
  const view = page.getByTestId("slide-view");
  await expect(view).toBeVisible();
  expect(await view.evaluate((v) => v.scrollWidth - v.clientWidth), "slide view").toBe(0);
  for (const key of ["Tab", "Tab", "Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    expect(await view.evaluate((v) => v.contains(document.activeElement) && v !== document.activeElement), key).toBe(true);
  }
  for (const name of ["← Previous", "Next →", "Close"]) {
    const b = view.getByRole("button", { name });
    await b.scrollIntoViewIfNeeded();
    const box = (await b.boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= 360, name).toBe(true);
  }
  await view.getByRole("button", { name: "Close" }).click();
  expect(await overflow(page), "job page after the slide view").toBe(0);
});
