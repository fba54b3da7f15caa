import * as fs from "node:fs";
import * as path from "node:path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

// scripts/e2e starts two more servers: one exactly as `make run` starts it
// (every path relative to its working directory: ./data, target/site,
// server/samples) and one with PREVIEWS=false. On both, a user's own
// template is usable at once: nothing waits for its pictures.
const root = path.resolve(__dirname, "..", "..");
const outline = path.join(root, "server/samples/outlines/workplace-fire-safety.md");
const template = path.join(root, "target/fixtures/corporate-photo.pptx");

const servers = [
  { name: "started as make run starts it", base: process.env.RUN_BASE_URL, pictures: true },
  { name: "with previews switched off", base: process.env.NOPREVIEW_BASE_URL, pictures: false },
];

for (const server of servers) {
  test.describe(server.name, () => {
    test.use({ baseURL: server.base });

    test(`upload a template, accept, generate and download within 10 s (${server.name})`, async ({ page }) => {
      test.skip(!server.base, "scripts/e2e sets the server's address");
      test.setTimeout(120_000);
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.goto("/new");
      await hydrated(page);
      const gallery = page.getByTestId("template-gallery");
      if (server.pictures) {
        // The sample cards' pictures are drawn (LibreOffice works with ./data).
        const img = gallery.getByAltText("Ocean: title slide");
        await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 60_000 }).toBeGreaterThan(100);
      } else {
        // No grey boxes: each card names its layouts.
        await expect(gallery.getByTestId("template-layouts").first()).toContainText("layouts:");
        await expect(gallery.locator("img")).toHaveCount(0);
      }
      await page.locator("#outline-file").setInputFiles(outline);
      await expect(page.getByTestId("outline-tree")).toBeVisible();
      await page.locator("#title").fill(`Own template, ${server.pictures ? "pictures" : "no pictures"}`);

      const started = Date.now();
      await page.getByTestId("template-file").setInputFiles(template);
      await expect(page.getByTestId("intake-summary")).toBeVisible();
      if (!server.pictures) {
        await expect(page.getByTestId("intake-no-previews")).toContainText("turned off");
      }
      await page.getByTestId("intake-accept").click();
      await expect(page.locator("#template")).toHaveValue(/^upload:[a-z]{16}\.pptx$/);
      await page.getByRole("button", { name: "Generate deck" }).click();
      await page.waitForURL(/\/jobs\/[a-z0-9]{8}$/);
      await hydrated(page);
      await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 10_000 });
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
      const file = path.join(fs.mkdtempSync("/tmp/cw-quick-"), "deck.pptx");
      await download.saveAs(file);
      const took = Date.now() - started;
      expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe("PK");
      console.log(`${server.name}: upload → accept → generate → download in ${took} ms`);
      expect(took).toBeLessThan(10_000);

      const slides = page.getByTestId("slides");
      if (server.pictures) {
        // And the finished deck's slides are drawn too.
        const first = slides.locator("img").first();
        await expect.poll(() => first.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 90_000 }).toBeGreaterThan(100);
      } else {
        await expect(page.getByTestId("previews-unavailable")).toContainText("turned off");
      }
    });
  });
}
