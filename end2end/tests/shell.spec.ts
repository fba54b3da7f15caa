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

test("each page's code arrives when the page is first shown, not before", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) fetched.push(path);
  });
  const encodings = new Map<string, string>();
  page.on("response", async (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) encodings.set(path, (await r.allHeaders())["content-encoding"] ?? "none");
  });
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("snapshot")).toBeVisible();
  // The main part, the sign-in page and the dashboard; not the other pages.
  expect(fetched).toContain("/pkg/courseware_bg.wasm");
  expect(fetched.some((p) => p.includes("login_page"))).toBe(true);
  expect(fetched.some((p) => p.includes("dashboard_page"))).toBe(true);
  expect(fetched.some((p) => p.includes("new_course_page"))).toBe(false);
  expect(fetched.some((p) => p.includes("usage_page"))).toBe(false);
  // Sent as the gzip copies build-wasm made.
  expect(encodings.get("/pkg/courseware_bg.wasm")).toBe("gzip");

  // Navigating fetches the next page's chunk, and the page works.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New course" }).click();
  await expect(page).toHaveURL(/\/new$/);
  await expect(page.getByRole("heading", { name: "New course" })).toBeVisible();
  expect(fetched.some((p) => p.includes("new_course_page"))).toBe(true);
  await expect(page.getByRole("button", { name: /Generate/ })).toBeVisible();
  // The outline editor's code comes with the first outline, not with the page;
  // the intake report's only with an uploaded template.
  expect(fetched.some((p) => p.includes("outline_editor"))).toBe(false);
  await page.locator("#outline-text").fill("# Course\n## Module one\n### Topic\n- A point");
  await page.getByRole("button", { name: "Read pasted outline" }).click();
  await expect(page.getByTestId("outline-tree")).toBeVisible();
  expect(fetched.some((p) => p.includes("outline_editor"))).toBe(true);
  expect(fetched.some((p) => p.includes("split_report"))).toBe(false);
});
