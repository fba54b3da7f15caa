import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

// A catalogue's worth of courses: the history shows 25 at a time and
// "Show older courses" adds the next page below, on a laptop and a phone.
// On the server without previews (nothing else there waits on its workers).
test.use({ baseURL: process.env.NOPREVIEW_BASE_URL });

test("the history pages through every course, newest first", async ({ page }) => {
  test.skip(!process.env.NOPREVIEW_BASE_URL, "scripts/e2e sets the server's address");
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  // Thirty courses in one batch, through the API as an LMS would send them.
  const token = (
    await (await page.request.post("/api/tokens/create", { form: { name: "Catalogue import", scope: "write" } })).json()
  ).token;
  const outline = { title: "Basics", modules: [{ title: "Basics", topics: [{ title: "First steps", points: [] }] }] };
  // A tag of this run's own: the server's history may hold other courses.
  const tag = `Catalogue ${Date.now().toString(36)}`;
  const courses = Array.from({ length: 30 }, (_, i) => ({
    schema: 1, title: `${tag} course ${String(i).padStart(2, "0")}`, days: 1, language: "en", template: "Ocean.pptx", outline,
  }));
  const res = await page.request.post("/api/v1/batches", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: "Catalogue", courses },
  });
  expect(res.status(), await res.text()).toBe(202);

  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto("/history");
    await hydrated(page);
    const rows = page.getByTestId("history-table").locator("tbody tr");
    await page.getByLabel("Search titles").fill(tag);
    await expect(rows.first()).toContainText(`${tag} course 29`);
    await expect(rows).toHaveCount(25);
    await page.getByTestId("history-more").click();
    await expect(rows).toHaveCount(30);
    await expect(rows.nth(25)).toContainText(`${tag} course 04`);
    // Every course once.
    const titles = await rows.locator("td:first-child").allInnerTexts();
    expect(new Set(titles).size).toBe(titles.length);
    await expect(page.getByTestId("history-more")).toHaveCount(0);
    // A search starts from the newest again, as you type.
    await page.getByLabel("Search titles").fill(`${tag} course 0`);
    await expect(rows).toHaveCount(10);
    await expect(page.getByTestId("history-more")).toHaveCount(0);
  }
});
