import * as fs from "fs";
import * as path from "path";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

// Deleting a course asks first, with the focus on the safe answer; "Keep it"
// keeps it; "Delete for good" removes it. On a laptop and on a phone.
for (const [label, viewport] of [
  ["1366 px", { width: 1366, height: 768 }],
  ["390 px", { width: 390, height: 844 }],
] as const) {
  test(`deleting a course asks first and can be kept (${label})`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    await signIn(page, ADMIN.email, ADMIN.password);
    const md = fs.readFileSync(path.join(__dirname, "../../server/samples/outlines/workplace-fire-safety.md"));
    const outline = await (await page.request.post("/api/outline/upload", { data: md })).json();
    const title = `Kept or not (${label})`;
    const id: string = await (
      await page.request.post("/api/jobs/start", {
        data: { spec: { schema: 1, title, days: 1, language: "en", template: "Ocean.pptx", outline } },
      })
    ).json();
    await page.goto(`/jobs/${id}`);
    await hydrated(page);
    await expect(page.getByTestId("job-status")).toHaveText("complete", { timeout: 30_000 });

    await page.getByTestId("delete").click();
    const ask = page.getByRole("alertdialog");
    await expect(ask).toContainText("Delete this course?");
    await expect(ask.getByRole("button", { name: "Keep it" })).toBeFocused();
    await ask.getByRole("button", { name: "Keep it" }).click();
    await expect(ask).toHaveCount(0);
    await expect(page.getByTestId("job-status")).toHaveText("complete");

    await page.getByTestId("delete").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete for good" }).click();
    await expect(page).toHaveURL(/\/history$/);
    await hydrated(page);
    await expect(page.getByTestId("history-table").or(page.locator(".empty"))).toBeVisible();
    await expect(page.getByText(title)).toHaveCount(0);
  });
}
