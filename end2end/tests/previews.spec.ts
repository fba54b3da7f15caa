import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, startCourse, test } from "./helpers";

test("a finished job shows its slides, a large view with notes and findings, and exports a PDF", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const id = await startCourse(page, "Seen before downloaded");
  await page.goto(`/jobs/${id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  const completed = Date.now();
  // The grid starts filling within seconds of completion: the server draws
  // the thumbnails as the job completes, the first ones first.
  const thumbs = page.getByTestId("thumbs").locator("img");
  await expect(thumbs.first()).toBeAttached({ timeout: 5_000 });
  console.log(`first thumbnail on the page ${((Date.now() - completed) / 1000).toFixed(1)} s after completion`);
  const detail = await (await page.request.post("/api/jobs/get", { form: { id } })).json();
  const slides: number = detail.job.slide_count;
  expect(slides).toBeGreaterThan(10);

  // As many thumbnails as slides, each a real image.
  await expect(thumbs).toHaveCount(slides, { timeout: 60_000 });
  await thumbs.first().scrollIntoViewIfNeeded();
  await expect.poll(() => thumbs.first().evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(100);

  // The large view: notes and findings of that slide; keyboard to move and close.
  await page.getByRole("button", { name: "Open slide 1", exact: true }).click();
  const view = page.getByTestId("slide-view");
  await expect(view).toBeVisible();
  await expect(view).toBeFocused();
  await expect(view.getByRole("heading", { name: `Slide 1 of ${slides}` })).toBeVisible();
  await expect(page.getByTestId("slide-notes")).toContainText("minutes");
  await expect(page.getByTestId("slide-findings")).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(view.getByRole("heading", { name: `Slide 2 of ${slides}` })).toBeVisible();
  // Tab stays in the view: round its three buttons and back, either way.
  for (const key of ["Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    expect(await view.evaluate((v) => v.contains(document.activeElement) && v !== document.activeElement), key).toBe(true);
  }
  await page.keyboard.press("ArrowRight");
  await expect(view.getByRole("heading", { name: `Slide 3 of ${slides}` })).toBeVisible();
  // Escape closes it and the focus is on the thumbnail of the slide it showed.
  await page.keyboard.press("Escape");
  await expect(view).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Open slide 3", exact: true })).toBeFocused();

  // The PDF: one page per slide.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("pdf-download").click()]);
  expect(download.suggestedFilename()).toBe("Seen before downloaded.pdf");
  const file = path.join(fs.mkdtempSync("/tmp/cw-pdf-"), "deck.pdf");
  await download.saveAs(file);
  const info = execFileSync("pdfinfo", [file]).toString();
  expect(info).toMatch(new RegExp(`Pages:\\s+${slides}\\b`));
});
