import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

test("a finished job shows its slides, a large view with notes and findings, and exports a PDF", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const md = fs.readFileSync(path.join(__dirname, "../../server/samples/outlines/workplace-fire-safety.md"));
  const outline = await (await page.request.post("/api/outline/upload", { data: md })).json();
  const id: string = await (
    await page.request.post("/api/jobs/start", {
      data: { spec: { schema: 1, title: "Seen before downloaded", days: 1, language: "en", template: "Ocean.pptx", outline } },
    })
  ).json();
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
  await page.keyboard.press("Escape");
  await expect(view).toHaveCount(0);

  // The PDF: one page per slide.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("pdf-download").click()]);
  expect(download.suggestedFilename()).toBe("Seen before downloaded.pdf");
  const file = path.join(fs.mkdtempSync("/tmp/cw-pdf-"), "deck.pdf");
  await download.saveAs(file);
  const info = execFileSync("pdfinfo", [file]).toString();
  expect(info).toMatch(new RegExp(`Pages:\\s+${slides}\\b`));
});
