import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

test("the dashboard is server-rendered, then hydrated", async ({ page, request }) => {
  const health = await request.get("/health");
  expect(health.ok()).toBeTruthy();
  expect((await health.json()).database).toBe("ok");

  await signIn(page, ADMIN.email, ADMIN.password);
  // Server-rendered content is there...
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  for (const link of ["Dashboard", "New course", "History", "Usage", "Admin"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link })).toBeVisible();
  }
  // ...and the navigation toggle only works once the wasm bundle has hydrated.
  await hydrated(page);
  const toggle = page.getByRole("button", { name: "Toggle navigation" });
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await toggle.click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  // Client-side navigation keeps working after hydration.
  await page.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(/\/history$/);
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
});
