import { ADMIN, expect, hydrated, signIn, startCourse, test } from "./helpers";

// Deleting a course asks first, with the focus on the safe answer; "Keep it"
// keeps it; "Delete" removes it, and "Undo" on the history brings it back.
// On a laptop and on a phone.
for (const [label, viewport] of [
  ["1366 px", { width: 1366, height: 768 }],
  ["390 px", { width: 390, height: 844 }],
] as const) {
  test(`deleting a course asks first, can be kept, and can be undone (${label})`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    await signIn(page, ADMIN.email, ADMIN.password);
    const title = `Kept or not (${label})`;
    const id = await startCourse(page, title);
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
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/history\\?deleted=${id}&keep=60$`));
    await hydrated(page);
    await expect(page.getByTestId("history-table").or(page.locator(".empty"))).toBeVisible();
    await expect(page.getByText(title)).toHaveCount(0);
    // The undo, offered on the way out: the course comes back as it was.
    await expect(page.getByTestId("deleted-notice")).toContainText("You can undo this for 60 minutes");
    await page.getByTestId("undo-delete").click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
    await expect(page.getByTestId("job-status")).toHaveText("complete");
    await page.goto("/history");
    await expect(page.getByTestId("history-table")).toContainText(title);

    // Deleted again and the notice gone: "recently deleted" still offers it.
    await page.goto(`/jobs/${id}`);
    await hydrated(page);
    await page.getByTestId("delete").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL(/\/history\?deleted=/);
    await page.goto("/history");
    await hydrated(page);
    await page.getByLabel("Status").selectOption("deleted");
    const row = page.getByTestId("history-table").getByRole("row").filter({ hasText: title });
    await row.getByRole("button", { name: `Restore ${title}` }).click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
    await expect(page.getByTestId("job-status")).toHaveText("complete");
  });
}
