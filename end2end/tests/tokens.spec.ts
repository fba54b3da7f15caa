import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

test("a token made on the API tokens page is shown once, works with the API, and stops when revoked", async ({
  page,
  request,
}) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await hydrated(page);
  const name = `Nightly ${Date.now()}`;
  const form = page.getByTestId("create-token");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Scope").selectOption("read");
  await form.getByRole("button", { name: "Make token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
  expect(secret).toMatch(/^cw_[A-Za-z0-9]{8}_[A-Za-z0-9]{40}$/);
  const row = page.getByTestId("tokens-table").getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("active");
  await expect(row).not.toContainText(secret.slice(12));

  // The token works from outside the browser (no cookies).
  const headers = { Authorization: `Bearer ${secret}` };
  const list = await request.get("/api/v1/courses", { headers });
  expect(list.status()).toBe(200);

  // Revoking asks first, the focus on "Keep"; Keep keeps it working.
  await row.getByRole("button", { name: "Revoke" }).click();
  const ask = row.getByTestId("ask-first");
  await expect(ask).toContainText("Whatever uses it stops working at once.");
  await expect(ask.getByRole("button", { name: "Keep" })).toBeFocused();
  await ask.getByRole("button", { name: "Keep" }).click();
  expect((await request.get("/api/v1/courses", { headers })).status()).toBe(200);
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByTestId("ask-first").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  const refused = await request.get("/api/v1/courses", { headers });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});
