import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, startCourse, test } from "./helpers";

/** The text of page `n` of the job's PDF. */
async function pdfPage(page: import("@playwright/test").Page, id: string, n: number): Promise<string> {
  const res = await page.request.get(`/api/jobs/${id}/pdf`);
  expect(res.status()).toBe(200);
  const file = path.join(fs.mkdtempSync("/tmp/cw-edit-"), "deck.pdf");
  fs.writeFileSync(file, await res.body());
  return execFileSync("pdftotext", ["-f", `${n}`, "-l", `${n}`, file, "-"]).toString();
}

async function thumbnail(page: import("@playwright/test").Page, id: string, n: number): Promise<Buffer> {
  const res = await page.request.get(`/api/jobs/${id}/slides/${n}.png?size=thumb`);
  expect(res.status()).toBe(200);
  return await res.body();
}

test("a bullet edited in the large view is in the rebuilt deck, its thumbnail and PDF; the versions say what changed", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const v1 = await startCourse(page, "Edited in the browser");
  await page.goto(`/jobs/${v1}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("thumbs").locator("img").first()).toBeVisible({ timeout: 60_000 });

  // A topic slide of the first module, found as the editor names it.
  const content = await (await page.request.post("/api/courses/content", { form: { id: v1 } })).json();
  const topic = content.slides.filter((s: any) => s.module === 0 && s.kind === "bullets")[1];
  const n = content.deck_slides.indexOf(topic.id) + 1;
  expect(n).toBeGreaterThan(1);

  // Edit its first bullet in the large view, by keyboard where a trainer would.
  await page.getByRole("button", { name: `Open slide ${n}`, exact: true }).click();
  const view = page.getByTestId("slide-view");
  await view.getByRole("button", { name: "Edit" }).click();
  const bullets = page.getByTestId("edit-bullets");
  await expect(bullets).toHaveValue(new RegExp(topic.bullets[0].text.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const lines = (await bullets.inputValue()).split("\n");
  lines[0] = "Check the gauge on every extinguisher";
  await bullets.fill(lines.join("\n"));
  // Arrows move the caret while editing, not the slide.
  await page.keyboard.press("ArrowLeft");
  await expect(view.getByRole("heading", { name: new RegExp(`^Slide ${n} of`) })).toBeVisible();
  expect(await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
  await page.getByTestId("edit-save").click();
  await expect(page.getByTestId("edit-said")).toContainText("Saved");
  // This server has no AI writer: the rewrite button says what it needs.
  await page.getByTestId("rewrite-slide").click();
  await expect(page.getByTestId("slide-edit").getByRole("alert")).toContainText("LLM_PROVIDER");
  await page.keyboard.press("Escape"); // out of editing
  await page.keyboard.press("Escape"); // out of the large view
  await expect(view).toHaveCount(0);

  // The versions card now offers to rebuild; the new version opens.
  await page.getByTestId("rebuild").click();
  await page.waitForURL((u) => u.pathname.startsWith("/jobs/") && !u.pathname.endsWith(v1));
  const v2 = new URL(page.url()).pathname.split("/").pop()!;
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("thumbs").locator("img")).toHaveCount(content.deck_slides.length, { timeout: 90_000 });

  // The PDF page and the thumbnail of that slide show the new words; another slide is as it was.
  await expect.poll(() => pdfPage(page, v2, n), { timeout: 60_000 }).toContain("Check the gauge on every extinguisher");
  expect(await pdfPage(page, v1, n)).not.toContain("Check the gauge on every extinguisher");
  expect((await thumbnail(page, v2, n)).equals(await thumbnail(page, v1, n))).toBe(false);
  expect((await thumbnail(page, v2, 1)).equals(await thumbnail(page, v1, 1))).toBe(true);

  // Two versions; "Changes" on the second lists the edit.
  const versions = page.getByTestId("versions");
  await expect(versions.getByRole("row")).toHaveCount(3);
  await versions.getByTestId("compare").click();
  const diff = page.getByTestId("diff");
  await expect(diff).toContainText("From v1 to v2");
  await expect(diff).toContainText("Check the gauge on every extinguisher");
  // Another template: its intake report first, then version 3 on it.
  await page.getByLabel("Another template").selectOption("Forest.pptx");
  await expect(page.getByTestId("retemplate-report")).toContainText("Forest.pptx");
  await page.getByTestId("retemplate").click();
  await page.waitForURL((u) => u.pathname.startsWith("/jobs/") && !u.pathname.endsWith(v2));
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("versions").getByRole("row")).toHaveCount(4);
  await expect(page.getByTestId("versions")).toContainText("retemplated");
  // Translating needs the AI writer too, and says so.
  await page.getByLabel("Translate into").selectOption("de");
  await page.getByTestId("translate").click();
  await expect(page.getByTestId("versions")).toContainText("LLM_PROVIDER");
  expect(await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
});

test("a reviewer is asked, comments are resolved, the course is approved, and an edit after it starts a new draft", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const reviewer = { name: "Rita Reviewer", email: `rita.${Date.now()}@example.com`, password: "reviewer-password-5" };
  await signIn(page, ADMIN.email, ADMIN.password);
  const made = await page.request.post("/api/admin/users/create", { form: { ...reviewer, is_admin: "" } });
  expect(made.status(), await made.text()).toBe(200);
  const id = await startCourse(page, "Reviewed in the browser");
  await page.goto(`/jobs/${id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("thumbs").locator("img").first()).toBeVisible({ timeout: 60_000 });

  // The owner submits it to the reviewer.
  await page.getByLabel("Reviewer's email (optional)").fill(reviewer.email);
  await page.getByTestId("submit-review").click();
  await expect(page.getByTestId("review-state")).toContainText("In review: asked of Rita Reviewer by Ada Admin");

  // The reviewer finds it on the dashboard, comments on slide 2 and approves.
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const other = await context.newPage();
  await signIn(other, reviewer.email, reviewer.password);
  await other.getByTestId("waiting-for-me").getByRole("link", { name: "Reviewed in the browser" }).click();
  await hydrated(other);
  await expect(other.getByTestId("thumbs").locator("img").first()).toBeVisible({ timeout: 60_000 });
  await other.getByRole("button", { name: "Open slide 2", exact: true }).click();
  await other.getByTestId("comment-body").fill("Say where the assembly point is.");
  await other.getByTestId("comment-add").click();
  await expect(other.getByTestId("comment-thread")).toContainText("Say where the assembly point is.");
  await other.keyboard.press("Escape");
  await other.getByTestId("approve").click();
  await expect(other.getByTestId("review-state")).toContainText("Approved as v1 by Rita Reviewer");

  // The owner sees the comment on the dashboard, resolves it, and reopens it.
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByTestId("comments-on-mine")).toContainText("Say where the assembly point is.");
  await page.goto(`/jobs/${id}`);
  await hydrated(page);
  await expect(page.getByTestId("review-state")).toContainText("Approved as v1");
  await page.getByRole("button", { name: "Open slide 2", exact: true }).click();
  await page.getByTestId("resolve").click();
  await expect(page.getByTestId("comment-thread")).toContainText("Resolved by Ada Admin");
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByTestId("resolve")).toBeVisible();
  expect(await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);

  // Editing the approved course starts a new draft; v1 stays the one approved.
  await page.getByTestId("slide-view").getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Title", { exact: true }).fill("Assembly point: the car park");
  await page.getByTestId("edit-save").click();
  await expect(page.getByTestId("edit-said")).toContainText("Saved");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("review-state")).toContainText("v1 was approved; the course has changed since, so this is a new draft");
  await expect(page.getByTestId("submit-review")).toBeVisible();
  expect(await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
  await context.close();
});

test("a built course's outline and timetable are changed on New course and written again as its next version", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const v1 = await startCourse(page, "Changed after building");
  await page.goto(`/jobs/${v1}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await page.getByTestId("change-outline").click();
  await page.waitForURL((u) => u.pathname === "/new" && u.search === `?version_of=${v1}`);
  await expect(page.getByTestId("changing-course")).toBeVisible();
  await expect(page.getByLabel("Course title")).toHaveValue("Changed after building");
  await expect(page.getByTestId("outline-tree")).toBeVisible();
  await page.getByLabel("Length").selectOption("2");
  await page.getByLabel("Starts").fill("08:00");
  expect(await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
  await page.getByRole("button", { name: "Write it again as a new version" }).click();
  await page.waitForURL((u) => u.pathname.startsWith("/jobs/") && !u.pathname.endsWith(v1));
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  await expect(page.getByTestId("versions").getByRole("row")).toHaveCount(3);
  await expect(page.getByTestId("versions")).toContainText("regenerated");
  await expect(page.getByTestId("job-log")).toContainText("Written again from a changed outline or timetable by Ada Admin");
});

/** Presses Tab until the focused element is `target` (at most 40 times). */
async function tabTo(page: import("@playwright/test").Page, target: import("@playwright/test").Locator) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((t) => t === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("Tab never reached the control");
}

test("a slide's title is edited with the keyboard alone", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const id = await startCourse(page, "Edited by keyboard");
  await page.goto(`/jobs/${id}`);
  await hydrated(page);
  await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });
  const thumb = page.getByRole("button", { name: "Open slide 3", exact: true });
  await thumb.focus();
  await page.keyboard.press("Enter");
  const view = page.getByTestId("slide-view");
  await expect(view).toBeFocused();
  await tabTo(page, view.getByRole("button", { name: "Edit" }));
  await page.keyboard.press("Enter");
  const title = page.getByTestId("slide-edit").getByLabel("Title", { exact: true });
  await expect(title).toBeVisible();
  await tabTo(page, title);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("Typed without a mouse");
  await tabTo(page, page.getByTestId("edit-save"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("edit-said")).toContainText("Saved");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await expect(thumb).toBeFocused();
  const content = await (await page.request.post("/api/courses/content", { form: { id } })).json();
  expect(content.slides.find((s: any) => s.id === content.deck_slides[2]).title).toBe("Typed without a mouse");
});
