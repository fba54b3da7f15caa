import { ADMIN, expect, hydrated, signIn, test } from "./helpers";

const spec = {
  schema: 1,
  title: "Ladder safety",
  days: 3,
  language: "de",
  template: "Forest.pptx",
  outline: {
    title: "Ladder safety",
    modules: [
      { title: "Choosing a ladder", topics: [{ title: "Load ratings", points: [{ text: "Read the label", level: 0 }] }] },
      { title: "Setting it up", topics: [{ title: "The 1-in-4 rule", points: [] }] },
    ],
  },
  writer: "offline",
};

test("a spec file fills the New course form and the form exports one back", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "New course" }).click();
  await hydrated(page);

  // A spec with a bad field is refused, naming what is wrong.
  await page.getByTestId("spec-file").setInputFiles({
    name: "bad.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ ...spec, days: 40 })),
  });
  await expect(page.getByTestId("spec-error")).toContainText("days");

  await page.getByTestId("spec-file").setInputFiles({
    name: "Ladder_safety_2026-11-24_0a1b2c3d.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(spec)),
  });
  await expect(page.locator("#title")).toHaveValue("Ladder safety");
  await expect(page.locator("#days")).toHaveValue("3");
  await expect(page.locator("#language")).toHaveValue("de");
  await expect(page.locator("#template")).toHaveValue("Forest.pptx");
  const tree = page.getByTestId("outline-tree");
  await expect(tree.getByLabel("Module 2 title")).toHaveValue("Setting it up");
  await expect(page.getByTestId("spec-error")).toHaveCount(0);

  // Exported back: the same spec, under Title_YYYY-MM-DD_8hex.json.
  const link = page.getByTestId("spec-export");
  await expect(link).toHaveAttribute("download", /^Ladder_safety_\d{4}-\d{2}-\d{2}_[0-9a-f]{8}\.json$/);
  const href = (await link.getAttribute("href")) ?? "";
  const exported = JSON.parse(decodeURIComponent(href.replace(/^data:application\/json;charset=utf-8,/, "")));
  expect(exported).toEqual(spec);

  // Generate from it; the job page offers its spec for download.
  await page.getByRole("button", { name: "Generate deck" }).click();
  await page.waitForURL(/\/jobs\/[a-z0-9]{8}$/);
  const fromJob = page.getByTestId("spec-download");
  await expect(fromJob).toHaveAttribute("href", /^\/api\/jobs\/[a-z0-9]{8}\/spec$/);
  const res = await page.request.get((await fromJob.getAttribute("href")) ?? "");
  expect(res.status()).toBe(200);
  expect((await res.json()).outline).toEqual(spec.outline);
});
