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

test("a member changes their own name and password; their other sessions end", async ({ page, browser }) => {
  const member = { name: "Noor Member", email: `noor.${Date.now()}@example.com`, password: "member-password-77" };
  await signIn(page, ADMIN.email, ADMIN.password);
  const made = await page.request.post("/api/admin/users/create", { form: { ...member, is_admin: "" } });
  expect(made.status(), await made.text()).toBe(200);

  const elsewhere = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const other = await elsewhere.newPage();
  await signIn(other, member.email, member.password);
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: { width: 390, height: 844 } });
  const phone = await context.newPage();
  await signIn(phone, member.email, member.password);

  // On a phone the account page is in the navigation strip.
  await phone.getByRole("link", { name: "Your account" }).click();
  await expect(phone.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(phone.getByTestId("account-email")).toHaveText(member.email);
  await phone.getByLabel("Name", { exact: true }).fill("Noor N. Member");
  await phone.getByRole("button", { name: "Save name" }).click();
  await expect(phone.getByTestId("rename-done")).toBeVisible();

  // A wrong current password is named on its field and changes nothing.
  await phone.getByLabel("Current password").fill("not-my-password");
  await phone.getByLabel("New password").fill("member-password-78");
  await phone.getByRole("button", { name: "Change password" }).click();
  await expect(phone.locator("#current-password-error")).toHaveText("That is not your current password.");
  await expect(phone.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(phone.getByLabel("Current password")).toBeFocused();
  // A weak new one is refused on its own field.
  await phone.getByLabel("Current password").fill(member.password);
  await phone.getByLabel("New password").fill("short");
  await phone.evaluate(() => document.querySelectorAll("form").forEach((f) => (f.noValidate = true)));
  await phone.getByRole("button", { name: "Change password" }).click();
  await expect(phone.locator("#new-password-error")).toContainText("at least");
  await expect(phone.getByLabel("New password")).toBeFocused();
  await phone.getByLabel("New password").fill("member-password-78");
  await phone.getByRole("button", { name: "Change password" }).click();
  await expect(phone.getByTestId("password-done")).toHaveText("Password changed; 1 other session was signed out.");
  await expect(phone.getByLabel("Current password")).toHaveValue("");

  // This browser stays signed in; the other one is out; the new password works.
  await phone.goto("/history");
  await expect(phone.getByRole("heading", { name: "History" })).toBeVisible();
  await other.goto("/");
  await expect(other).toHaveURL(/\/login/);
  await signIn(other, member.email, "member-password-78");
  await expect(other.getByTestId("user-name")).toHaveText("Noor N. Member");
  await elsewhere.close();
  await context.close();
});

for (const [label, viewport] of [
  ["1366 px", { width: 1366, height: 900 }],
  ["390 px", { width: 390, height: 844 }],
] as const) {
test(`Admin → Users: disabling asks first, a refusal does not linger, and every row's actions fit (${label})`, async ({ page }) => {
  const member = { name: "Dan Member", email: `dan.${Date.now()}@example.com`, password: "member-password-55" };
  await page.setViewportSize(viewport);
  await signIn(page, ADMIN.email, ADMIN.password);
  const made = await page.request.post("/api/admin/users/create", { form: { ...member, is_admin: "" } });
  expect(made.status()).toBe(200);
  await page.goto("/admin/users");
  await hydrated(page);
  const table = page.getByTestId("users-table");
  // On a laptop every Reset button is inside the card, none clipped by its
  // edge (on a phone the table scrolls inside its card).
  if (viewport.width > 1000) {
    const card = await table.locator("xpath=..").boundingBox();
    for (const reset of await table.getByRole("button", { name: "Reset" }).all()) {
      const box = await reset.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(card!.x + card!.width);
    }
  }

  const row = table.getByRole("row").filter({ hasText: member.email });
  // Disable asks in the row; "Keep" keeps the user active.
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByTestId("ask-first")).toContainText(`Disable ${member.name}?`);
  await row.getByRole("button", { name: "Keep" }).click();
  await expect(row).toContainText("Active");

  // Disabling yourself is refused with a banner...
  const mine = table.getByRole("row").filter({ hasText: ADMIN.email });
  await mine.getByRole("button", { name: "Disable" }).click();
  await mine.getByTestId("ask-first").getByRole("button", { name: "Disable" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "You cannot disable or demote yourself." });
  await expect(refusal).toBeVisible();
  // ...that goes once a later action succeeds.
  await row.getByLabel(`New password for ${member.email}`).fill("member-password-56");
  await row.getByRole("button", { name: "Reset" }).click();
  await expect(page.getByText("Password changed; the user's sessions were ended.")).toBeVisible();
  await expect(refusal).toHaveCount(0);

  await row.getByRole("button", { name: "Disable" }).click();
  await row.getByTestId("ask-first").getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();

  // The name in the header (on a phone: the navigation) opens your account.
  if (viewport.width > 1000) await page.getByTestId("user-name").click();
  else await page.getByRole("link", { name: "Your account" }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveText(ADMIN.email);
});
}

for (const [label, viewport] of [
  ["1366 px", { width: 1366, height: 768 }],
  ["390 px", { width: 390, height: 844 }],
] as const) {
  test(`a refused field is announced and takes the focus, in every form (${label})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signIn(page, ADMIN.email, ADMIN.password);
    // Browser checks off, so the server's answer is what the person meets.
    const unchecked = () => page.evaluate(() => document.querySelectorAll("form").forEach((f) => (f.noValidate = true)));

    // Admin → Users: an email already taken (the table's rows have their
    // own password fields; the form's own field is the one focused).
    await page.goto("/admin/users");
    await hydrated(page);
    await unchecked();
    const create = page.getByTestId("create-user");
    await create.getByLabel("Name").fill("Ada Again");
    await create.getByLabel("Email").fill(ADMIN.email);
    await create.getByLabel("Password").fill("a-long-enough-password-1");
    await create.getByRole("button", { name: "Create user" }).click();
    await expect(create.getByRole("alert")).toHaveText("A user with this email already exists.");
    await expect(create.getByLabel("Email")).toBeFocused();

    // API tokens: an expiry over the longest allowed.
    await page.goto("/tokens");
    await hydrated(page);
    await unchecked();
    const token = page.getByTestId("create-token");
    await token.getByLabel("Name").fill("Too long a life");
    await token.getByLabel("Expires after (days)").fill("100000");
    await token.getByRole("button", { name: "Make token" }).click();
    await expect(token.getByRole("alert")).toBeVisible();
    await expect(token.getByLabel("Expires after (days)")).toBeFocused();
  });
}
