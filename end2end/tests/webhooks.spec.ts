import * as http from "http";
import { AddressInfo } from "net";
import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

test("a webhook added on its page hears a course complete, shows the delivery and sends it again", async ({ page }) => {
  // The receiver: every delivery's webhook-id, answered 204.
  const ids: string[] = [];
  const receiver = http.createServer((req, res) => {
    ids.push(String(req.headers["webhook-id"]));
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  const port = (receiver.address() as AddressInfo).port;

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await hydrated(page);
  const form = page.getByTestId("create-webhook");

  // A private address is refused, and the page says why.
  await form.getByLabel("URL").fill("http://10.1.2.3/hook");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(form.getByRole("alert")).toContainText("private address");

  await form.getByLabel("URL").fill(`http://127.0.0.1:${port}/hook`);
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveText(/^whsec_/);
  const row = page.getByTestId("webhooks-table").getByRole("row", { name: new RegExp(`127.0.0.1:${port}`) });
  await expect(row).toContainText("course.completed, course.failed");

  const md = "# Hooked\n## Ladders\n### Footing\n- Check the feet\n";
  const outline = await (await page.request.post("/api/outline/upload", { data: md })).json();
  await page.request.post("/api/jobs/start", {
    data: { spec: { schema: 1, title: "Hooked course", days: 1, language: "en", template: "Ocean.pptx", outline } },
  });
  await expect.poll(() => ids.length, { timeout: 60_000 }).toBe(1);

  await row.getByRole("button", { name: "Deliveries" }).click();
  const log = page.getByTestId("webhook-log");
  await expect(log).toContainText("delivered");
  await expect(log).toContainText("course.completed");
  await log.getByRole("button", { name: "Send again" }).first().click();
  await expect.poll(() => ids.length, { timeout: 30_000 }).toBe(2);
  expect(ids[1]).toBe(ids[0]);

  // Removing asks first; then the endpoint is gone from the list.
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row.getByTestId("ask-first")).toContainText("Nothing more is sent there.");
  await row.getByTestId("ask-first").getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
  receiver.close();
});
