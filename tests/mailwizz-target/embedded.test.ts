// The embedded target (the emulator in-process, its own delivery-server table): observe → plan →
// apply, twice, with exact step reports; the second pass finds nothing to do.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import {
  applyMailwizz,
  isEmpty,
  observeMailwizz,
  openEmbeddedMailwizzTarget,
  planMailwizzChanges,
} from "../../reconciler/mailwizz/target/index.ts";
import type { EmbeddedTarget, StepReport } from "../../reconciler/mailwizz/target/index.ts";
import { DAY1, SMTP, baseInventory, desiredState } from "./fixtures.ts";

let inventory: Inventory;
let target: EmbeddedTarget | undefined;
beforeAll(async () => {
  inventory = await baseInventory();
});
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const summary = (reports: readonly StepReport[]) => reports.map((r) => [r.id, r.status, r.detail]);
const DS = "mailwizz:mailwizz:delivery-server";

describe("embedded MailWizz target", () => {
  it("creates everything once, then finds nothing to change", async () => {
    target = await openEmbeddedMailwizzTarget(inventory, "mailwizz");
    expect([...target.tenants.keys()]).toEqual(["sos-expat", "ulixai"]);
    const desired = await desiredState(inventory);
    const first = planMailwizzChanges(desired, await observeMailwizz(target));
    const reports = await applyMailwizz(target, first);
    expect(reports.map((r) => r.status)).toEqual(Array(11).fill("Success"));
    expect(summary(reports).slice(0, 5)).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`${DS}:ee-pmta-vmta${i}`, "Success", `created (server_id ${i + 1})`]),
    );
    expect(reports.slice(5).map((r) => r.id)).toEqual([
      "mailwizz:mailwizz:sos-expat:list:Cold Outreach Avocats",
      "mailwizz:mailwizz:sos-expat:list:Cold Outreach Notaires",
      "mailwizz:mailwizz:ulixai:list:Cold Outreach Bloggers",
      "mailwizz:mailwizz:sos-expat:template:Introduction avocats",
      "mailwizz:mailwizz:sos-expat:template:Introduction notaires",
      "mailwizz:mailwizz:ulixai:template:Introduction bloggers",
    ]);
    expect(reports[5]?.detail).toMatch(/^created \(list_uid [a-z0-9]{13}\)$/);

    const observed = await observeMailwizz(target);
    // Each tenant is its own MailWizz customer: it sees only its own lists and templates.
    expect(observed.lists.get("sos-expat")?.map((l) => l.name)).toEqual([
      "Cold Outreach Avocats",
      "Cold Outreach Notaires",
    ]);
    expect(observed.lists.get("ulixai")?.map((l) => [l.name, l.replyTo])).toEqual([
      ["Cold Outreach Bloggers", "hello@ulixai-mail.com"],
    ]);
    expect(observed.templates.get("ulixai")?.map((t) => t.name)).toEqual(["Introduction bloggers"]);
    expect(observed.deliveryServers.map((s) => [s.name, s.status, s.quotas.daily, s.customerId])).toEqual([
      ["ee-pmta-vmta0", "active", 50, null],
      ["ee-pmta-vmta1", "active", 50, null],
      ["ee-pmta-vmta2", "active", 50, null],
      ["ee-pmta-vmta3", "inactive", 0, null],
      ["ee-pmta-vmta4", "inactive", 0, null],
    ]);
    expect(observed.deliveryServers[0]?.password).toBe(SMTP.password);

    const second = planMailwizzChanges(desired, observed);
    expect(isEmpty(second)).toBe(true);
    expect(await applyMailwizz(target, second)).toEqual([]);
    // System servers are never listed by the API (reference §4.1), even though they exist.
    expect(await target.tenants.get("ulixai")?.client.deliveryServers()).toEqual([]);
  });

  it("applies a new day's quotas and an edited list and template, then is idle again", async () => {
    target = await openEmbeddedMailwizzTarget(inventory, "mailwizz");
    await applyMailwizz(
      target,
      planMailwizzChanges(await desiredState(inventory), await observeMailwizz(target)),
    );
    const edited = structuredClone(inventory);
    edited.tenants["ulixai"]!.lists!["cold-bloggers"]!.fromName = "Ulixai Team";
    const day2 = DAY1.map((q) => (q.vmta === "pmta-vmta0" ? { ...q, quota: 240 } : q));
    const desired = await desiredState(edited, day2);
    const changes = planMailwizzChanges(
      {
        ...desired,
        templates: desired.templates.map((t) =>
          t.name === "Introduction avocats" ? { ...t, content: `${t.content}<p>P.S.</p>` } : t,
        ),
      },
      await observeMailwizz(target),
    );
    const reports = await applyMailwizz(target, changes);
    expect(
      summary(reports).map(([id, status, detail]) => [id, status, String(detail).replace(/ \([^)]*\)/, "")]),
    ).toEqual([
      [`${DS}:ee-pmta-vmta0`, "Success", "updated: hourly_quota, daily_quota"],
      ["mailwizz:mailwizz:ulixai:list:Cold Outreach Bloggers", "Success", "updated: from_name"],
      ["mailwizz:mailwizz:sos-expat:template:Introduction avocats", "Success", "updated: content"],
    ]);
    const after = await observeMailwizz(target);
    expect(after.deliveryServers[0]).toMatchObject({ quotas: { hourly: 20, daily: 240 }, status: "active" });
    expect(after.lists.get("ulixai")?.[0]?.fromName).toBe("Ulixai Team");
    expect(isEmpty(planMailwizzChanges({ ...desired, templates: changes.desired.templates }, after))).toBe(
      true,
    );
  });

  it("reports the failing step, leaves the other steps' objects alone, and never shows a secret", async () => {
    target = await openEmbeddedMailwizzTarget(inventory, "mailwizz");
    const desired = await desiredState(inventory);
    const broken = {
      ...desired,
      // Port 0 is refused by the store's checks: the whole delivery-server transaction is refused.
      deliveryServers: desired.deliveryServers.map((d) =>
        d.name === "ee-pmta-vmta2" ? { ...d, port: 0 } : d,
      ),
      templates: desired.templates.map((t) =>
        t.name === "Introduction bloggers" ? { ...t, content: "   " } : t,
      ),
    };
    const noZip = structuredClone(inventory);
    delete noZip.tenants["ulixai"]!.company.zip;
    const embedded = await openEmbeddedMailwizzTarget(noZip, "mailwizz");
    try {
      const reports = await applyMailwizz(
        embedded,
        planMailwizzChanges(broken, await observeMailwizz(embedded)),
      );
      const byId = new Map(reports.map((r) => [r.id, r]));
      expect(byId.get(`${DS}:ee-pmta-vmta2`)).toMatchObject({ status: "Error" });
      expect(byId.get(`${DS}:ee-pmta-vmta2`)?.detail).toMatch(
        /^ConfigError: delivery server ee-pmta-vmta2: port 0/,
      );
      expect(byId.get(`${DS}:ee-pmta-vmta0`)).toEqual({
        id: `${DS}:ee-pmta-vmta0`,
        status: "NotExecuted",
        durationMs: 0,
        detail: "rolled back: delivery server ee-pmta-vmta2 failed in the same transaction",
      });
      expect(byId.get("mailwizz:mailwizz:ulixai:list:Cold Outreach Bloggers")?.detail).toBe(
        "ConfigError: tenants.ulixai.company.zip: missing; MailWizz requires a zip code for a list's company",
      );
      expect(byId.get("mailwizz:mailwizz:ulixai:template:Introduction bloggers")).toMatchObject({
        status: "Error",
      });
      expect(byId.get("mailwizz:mailwizz:ulixai:template:Introduction bloggers")?.detail).toContain(
        "Content cannot be blank.",
      );
      expect(byId.get("mailwizz:mailwizz:sos-expat:list:Cold Outreach Avocats")?.status).toBe("Success");
      const after = await observeMailwizz(embedded);
      expect(after.deliveryServers).toEqual([]);
      expect(after.lists.get("ulixai")).toEqual([]);
      const text = JSON.stringify(reports);
      expect(text).not.toContain(SMTP.password);
    } finally {
      await embedded.close();
    }
  });
});
