import AxeBuilder from "@axe-core/playwright";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

const fixtures = path.join(__dirname, "../../target/fixtures");

test("templates show their slides, and an uploaded one its intake report before any job", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/new");
  await hydrated(page);

  // Each offered template: its title and content slides, drawn by the server.
  const gallery = page.getByTestId("template-gallery");
  const ocean = gallery.getByRole("button", { name: /Ocean/ });
  await expect(ocean).toBeVisible();
  for (const name of ["Ocean: title slide", "Ocean: content slide"]) {
    const img = gallery.getByAltText(name);
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 60_000 }).toBeGreaterThan(100);
  }
  // Picking a card picks the template, from the keyboard too.
  await ocean.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("#template")).toHaveValue("Ocean.pptx");
  await expect(ocean).toHaveAttribute("aria-pressed", "true");

  // An uploaded template: the intake report, with pictures, before it is used.
  await page.getByTestId("template-file").setInputFiles(path.join(fixtures, "corporate-title-first.pptx"));
  const report = page.getByTestId("intake-report");
  await expect(report).toBeVisible();
  await expect(page.getByTestId("intake-summary")).toContainText("4:3", { timeout: 60_000 });
  await expect(page.getByTestId("intake-summary")).toContainText("2 masters");
  const roles = page.getByTestId("intake-roles");
  await expect(roles.getByRole("row", { name: /Title slide/ })).toContainText("the designer's sample slides use it");
  // Plain words first: what the masters and the readability findings mean
  // for the slides, and what to do...
  await expect(page.getByTestId("intake-masters-summary")).toContainText("2 slide masters; the designer's own sample slides use");
  await expect(page.getByTestId("intake-advice")).toContainText("text over a picture or shape");
  await expect(page.getByTestId("intake-advice")).toContainText("Slide Master");
  // ...the engineering detail one click away.
  await expect(page.getByTestId("intake-warnings")).toBeHidden();
  await page.getByTestId("intake-detail").locator("summary").click();
  await expect(page.getByTestId("intake-masters")).toContainText("the designer's samples use it for");
  await expect(page.getByTestId("intake-warnings")).toContainText("runs over");
  // The report comes first; its pictures follow when drawn.
  const thumbs = page.getByTestId("intake-thumbs").locator("img");
  await expect(thumbs).toHaveCount(5, { timeout: 60_000 });
  for (let i = 0; i < 5; i++) {
    await thumbs.nth(i).scrollIntoViewIfNeeded();
    await expect.poll(() => thumbs.nth(i).evaluate((im: HTMLImageElement) => im.naturalWidth), { timeout: 60_000 }).toBeGreaterThan(100);
  }
  await expect(page.getByTestId("intake-pending")).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), "intake report").toEqual([]);

  // Picking another puts it aside; accepting a second upload makes it the choice.
  await page.getByTestId("intake-reject").click();
  await expect(report).toHaveCount(0);
  await expect(page.locator("#template")).toHaveValue("");
  await page.getByTestId("template-file").setInputFiles(path.join(fixtures, "corporate-photo.pptx"));
  await expect(page.getByTestId("intake-summary")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("intake-accept").focus();
  await page.keyboard.press("Enter");
  await expect(report).toHaveCount(0);
  await expect(page.getByTestId("intake-pending")).toHaveCount(0);
  await expect(page.locator("#template")).toHaveValue(/^upload:[a-z]{16}\.pptx$/);
});
