import { expect, Page, test as base } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";

/** The administrator scripts/e2e creates through INITIAL_ADMIN_*. */
export const ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL ?? "admin@example.com",
  password: process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password",
  name: process.env.E2E_ADMIN_NAME ?? "Ada Admin",
};

/**
 * A test whose page fails it on any browser console error or uncaught
 * exception: hydration mismatches and panics show up there first.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        // A 4xx answer is an expected outcome the test checks itself (401 for a
        // wrong password, 403 for a member on an admin page); Chromium still
        // logs it as a console error, so exactly that message is let through.
        const expectedStatus = /^Failed to load resource: the server responded with a status of 4\d\d/;
        if (msg.type() === "error" && !expectedStatus.test(msg.text())) errors.push(msg.text());
      });
      page.on("pageerror", (err) => errors.push(String(err)));
      await use(errors);
      expect(errors, "browser console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WebAssembly bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in through the form and waits for the dashboard (or `landing`). */
export async function signIn(page: Page, email: string, password: string, landing = "/") {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname + u.search === landing);
  await hydrated(page);
}

/**
 * Starts a course from the fire-safety sample outline on the Ocean template
 * as the signed-in user of `page` (the same JSON spec the New course page
 * sends) and answers its job id.
 */
export async function startCourse(page: Page, title: string, days = 1): Promise<string> {
  const md = fs.readFileSync(path.join(__dirname, "../../server/samples/outlines/workplace-fire-safety.md"));
  const outline = await (await page.request.post("/api/outline/upload", { data: md })).json();
  const res = await page.request.post("/api/jobs/start", {
    data: { spec: { schema: 1, title, days, language: "en", template: "Ocean.pptx", outline } },
  });
  expect(res.status(), await res.text()).toBe(200);
  return await res.json();
}
