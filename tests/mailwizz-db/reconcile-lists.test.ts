// The pure list and template planners: desired objects from the inventory's tenants, steps from what
// MailWizz has. Lists and templates are created or updated, never deleted.
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../reconciler/errors.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import type { ObservedList } from "../../reconciler/mailwizz/reconcile/index.ts";
import {
  contentLabel,
  desiredLists,
  desiredTemplates,
  planLists,
  planTemplates,
} from "../../reconciler/mailwizz/reconcile/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";

let inventory: Inventory;
beforeAll(async () => {
  const result = await validateInventoryDir(BASE_INVENTORY);
  expect(result.errors).toEqual([]);
  inventory = result.inventory as Inventory;
});

describe("lists and templates", () => {
  const list = (edits: Partial<ObservedList> = {}): ObservedList => ({
    listUid: "ab123cdefg456",
    name: "Cold Outreach Bloggers",
    description: "Cold Outreach Bloggers",
    fromName: "Ulixai",
    fromEmail: "hello@ulixai-mail.com",
    replyTo: "hello@ulixai-mail.com",
    ...edits,
  });

  it("derives the lists of every tenant", () => {
    expect(desiredLists(inventory).map((l) => [l.tenant, l.key, l.name, l.replyTo])).toEqual([
      ["sos-expat", "cold-avocats", "Cold Outreach Avocats", "contact@sos-expat.com"],
      ["sos-expat", "cold-notaires", "Cold Outreach Notaires", "contact@sos-expat.com"],
      ["ulixai", "cold-bloggers", "Cold Outreach Bloggers", "hello@ulixai-mail.com"],
    ]);
  });

  it.each([
    [
      "create when the tenant has none",
      [],
      { kind: "create", fields: ["description", "from_name", "from_email", "reply_to"] },
    ],
    ["no-op when equal", [list()], undefined],
    [
      "update of the changed field only",
      [list({ fromName: "Ulixai Team" })],
      { kind: "update", fields: ["from_name"] },
    ],
  ])("%s", (_label, observed, expected) => {
    const desired = desiredLists(inventory).filter((l) => l.tenant === "ulixai");
    const plan = planLists(desired, new Map([["ulixai", observed]]));
    const step = plan.steps[0];
    expect(
      step === undefined ? undefined : { kind: step.kind, fields: step.changes.map((c) => c.field) },
    ).toEqual(expected);
  });

  it("skips a list name MailWizz holds twice", () => {
    const desired = desiredLists(inventory).filter((l) => l.tenant === "ulixai");
    expect(planLists(desired, new Map([["ulixai", [list(), list({ listUid: "zz999zzzzz999" })]]]))).toEqual({
      steps: [],
      skipped: [
        { tenant: "ulixai", name: "Cold Outreach Bloggers", reason: "2 objects in MailWizz have this name" },
      ],
    });
  });

  it("plans templates by content, showing a hash instead of the HTML", () => {
    const html = "<html><body>Hi [UNSUBSCRIBE_URL] [COMPANY_FULL_ADDRESS]</body></html>\n";
    const contents = new Map([
      ["content/sos-expat/intro-avocats.html", html],
      ["content/sos-expat/intro-notaires.html", html],
      ["content/ulixai/intro-bloggers.html", html],
    ]);
    const desired = desiredTemplates(inventory, contents);
    const observed = new Map([
      [
        "sos-expat",
        [
          { templateUid: "t1", name: "Introduction avocats", content: html.replace("\n", "\r\n") },
          { templateUid: "t2", name: "Introduction notaires", content: "<html>old</html>" },
        ],
      ],
    ]);
    expect(planTemplates(desired, observed)).toEqual({
      steps: [
        {
          kind: "update",
          tenant: "sos-expat",
          name: "Introduction notaires",
          changes: [
            {
              field: "content",
              old: contentLabel("<html>old</html>"),
              new: contentLabel(html),
              sensitive: false,
            },
          ],
        },
        {
          kind: "create",
          tenant: "ulixai",
          name: "Introduction bloggers",
          changes: [{ field: "content", old: null, new: contentLabel(html), sensitive: false }],
        },
      ],
      skipped: [],
    });
    expect(contentLabel(html)).toMatch(/^sha256:[0-9a-f]{12} \(69 bytes\)$/);
    expect(() => desiredTemplates(inventory, new Map())).toThrow(
      new ConfigError(
        "template sos-expat/intro-avocats: no content was read for content/sos-expat/intro-avocats.html",
      ),
    );
  });
});
