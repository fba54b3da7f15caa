import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

test("a wrong password shows one message and stays on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Incorrect email or password.");
});

test("a deep link goes through sign-in and comes back", async ({ page }) => {
  await page.goto("/usage?range=90");
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/usage" && u.search === "?range=90");
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
});

test("an admin creates a member, who sees no Admin link, gets 403, and signs out", async ({ page, browser }) => {
  const member = {
    name: "Mia Member",
    email: `mia.${Date.now()}@example.com`,
    password: "member-password-42",
  };

  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("user-name")).toHaveText(ADMIN.name);
  await page.getByTestId("admin-link").click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  // Last sign-in reads as a date and time, not a raw timestamp.
  const adminRow = page.getByTestId("users-table").getByRole("row").filter({ hasText: ADMIN.email });
  await expect(adminRow).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await expect(adminRow).not.toContainText(/\d{2}T\d{2}:/);
  const form = page.getByTestId("create-user");
  await form.getByLabel("Name").fill(member.name);
  await form.getByLabel("Email").fill(member.email);
  await form.getByLabel("Password").fill(member.password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId("users-table")).toContainText(member.email);

  // The member, in a separate browser context (own cookies).
  const context = await browser.newContext();
  const other = await context.newPage();
  const errors: string[] = [];
  other.on("pageerror", (e) => errors.push(String(e)));
  await signIn(other, member.email, member.password);
  await expect(other.getByTestId("user-name")).toHaveText(member.name);
  await expect(other.getByTestId("admin-link")).toHaveCount(0);
  const res = await other.goto("/admin/users");
  expect(res?.status()).toBe(403);

  await other.goto("/");
  await hydrated(other);
  await other.getByRole("button", { name: "Sign out" }).click();
  await other.waitForURL(/\/login/);
  const after = await other.goto("/");
  expect(other.url()).toContain("/login");
  expect(after?.status()).toBe(200);

  // The admin resets the member's password from the table's form; only the
  // new one signs the member in.
  const newPassword = "member-password-new-7";
  await page.getByLabel(`New password for ${member.email}`).fill(newPassword);
  const reset = page.waitForResponse((r) => r.url().endsWith("/api/admin/users/password"));
  await page.getByLabel(`New password for ${member.email}`).press("Enter");
  expect((await reset).status()).toBe(200);
  await hydrated(other);
  await other.getByLabel("Email").fill(member.email);
  await other.getByLabel("Password").fill(member.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByTestId("login-error")).toBeVisible();
  await signIn(other, member.email, newPassword);
  await expect(other.getByTestId("user-name")).toHaveText(member.name);
  expect(errors).toEqual([]);
  await context.close();
});

test("a page open when the session ends sends the user to sign in and back", async ({ page, context }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // The dashboard has loaded (its chunk, then its data)...
  await expect(page.getByTestId("snapshot")).toBeVisible();
  await page.waitForLoadState("networkidle");
  // ...and then the session ends (expired, or the user was disabled) while the page is open.
  await context.clearCookies();
  // Client-side navigation calls a server function, which answers 401.
  await page.getByTestId("admin-link").click();
  await page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("next") === "/admin/users");
  await hydrated(page);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/admin/users");
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
});
