// The pure delivery-server planner: desired servers from the inventory and today's quotas, and the
// steps from what MailWizz has. Table-driven, exact steps.
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../reconciler/errors.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { warmupTable } from "../../reconciler/derive/warmup-table.ts";
import type {
  DesiredDeliveryServer,
  ObservedDeliveryServer,
} from "../../reconciler/mailwizz/delivery-servers/index.ts";
import { MemoryDeliveryServerStore } from "../../reconciler/mailwizz/delivery-servers/index.ts";
import type { DeliveryServerPlan, PmtaSubmission } from "../../reconciler/mailwizz/reconcile/index.ts";
import {
  SENSITIVE,
  desiredDeliveryServers,
  planDeliveryServers,
  sendingHoursOf,
  storeOps,
} from "../../reconciler/mailwizz/reconcile/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";

const SMTP: PmtaSubmission = {
  port: 2525,
  protocol: "",
  username: "mailwizz",
  password: `pmta-'secret"-é`,
  fromLocalPart: "bounce",
};
const QUOTAS = [
  { vmta: "pmta-vmta0", quota: 50 },
  { vmta: "pmta-vmta1", quota: 200 },
  { vmta: "pmta-vmta2", quota: 7 },
  { vmta: "pmta-vmta3", quota: 0 },
  { vmta: "pmta-vmta4", quota: 0 },
];

let inventory: Inventory;
beforeAll(async () => {
  const result = await validateInventoryDir(BASE_INVENTORY);
  expect(result.errors).toEqual([]);
  inventory = result.inventory as Inventory;
});

function observedFrom(
  d: DesiredDeliveryServer,
  id: number,
  edits: Partial<ObservedDeliveryServer> = {},
): ObservedDeliveryServer {
  return {
    serverId: id,
    customerId: null,
    name: d.name,
    type: d.type,
    hostname: d.hostname,
    port: d.port,
    protocol: d.protocol,
    username: d.username,
    password: d.password,
    fromEmail: d.fromEmail,
    fromName: d.fromName,
    quotas: d.quotas,
    headers: d.headers,
    status: d.status,
    ...edits,
  };
}

describe("desired delivery servers", () => {
  it("makes one smtp-pmta server per sending IP with today's quota spread over the sending hours", () => {
    const desired = desiredDeliveryServers(inventory, QUOTAS, SMTP);
    expect(
      desired.map((d) => [
        d.name,
        d.hostname,
        d.fromEmail,
        d.fromName,
        d.quotas.daily,
        d.quotas.hourly,
        d.status,
        d.headers,
      ]),
    ).toEqual([
      [
        "ee-pmta-vmta0",
        "pmta.sos-mail.com",
        "bounce@sos-mail.com",
        "SOS-Expat",
        50,
        5,
        "active",
        [{ name: "X-Virtual-MTA", value: "pmta-vmta0" }],
      ],
      [
        "ee-pmta-vmta1",
        "pmta.sos-mail.com",
        "bounce@ulixai-mail.com",
        "Ulixai",
        200,
        17,
        "active",
        [{ name: "X-Virtual-MTA", value: "pmta-vmta1" }],
      ],
      [
        "ee-pmta-vmta2",
        "pmta.sos-mail.com",
        "bounce@expat-services.com",
        "SOS-Expat",
        7,
        1,
        "active",
        [{ name: "X-Virtual-MTA", value: "pmta-vmta2" }],
      ],
      [
        "ee-pmta-vmta3",
        "pmta.sos-mail.com",
        "bounce@expat-connect.com",
        "SOS-Expat",
        0,
        0,
        "inactive",
        [{ name: "X-Virtual-MTA", value: "pmta-vmta3" }],
      ],
      [
        "ee-pmta-vmta4",
        "pmta.sos-mail.com",
        "bounce@global-expat.com",
        "Ulixai",
        0,
        0,
        "inactive",
        [{ name: "X-Virtual-MTA", value: "pmta-vmta4" }],
      ],
    ]);
    expect(desired[0]).toMatchObject({
      type: "smtp-pmta",
      port: 2525,
      protocol: "",
      username: "mailwizz",
      password: SMTP.password,
    });
  });

  it("takes today's quotas straight from the warm-up table", () => {
    const rows = warmupTable(inventory, new Map(), "2026-11-24");
    expect(
      desiredDeliveryServers(inventory, rows, SMTP).map((d) => [
        d.name,
        d.quotas.daily,
        d.quotas.hourly,
        d.status,
      ]),
    ).toEqual([
      ["ee-pmta-vmta0", 50, 5, "active"],
      ["ee-pmta-vmta1", 50, 5, "active"],
      ["ee-pmta-vmta2", 50, 5, "active"],
      ["ee-pmta-vmta3", 0, 0, "inactive"],
      ["ee-pmta-vmta4", 0, 0, "inactive"],
    ]);
  });

  it.each([
    [{ start: 8, end: 20 }, 12],
    [{ start: 22, end: 6 }, 8],
    [{ start: 0, end: 0 }, 24],
    [undefined, 24],
  ])("counts the sending window %o as %i hours", (window, hours) => {
    const platform = { ...inventory.platform, sendingHours: window };
    expect(sendingHoursOf({ ...inventory, platform })).toBe(hours);
  });

  it.each([
    [
      [{ vmta: "pmta-vmta0", quota: -1 }, ...QUOTAS.slice(1)],
      "delivery server ee-pmta-vmta0: daily quota -1 is below 0; a quota is a number of messages, 0 or more (0 means unlimited in MailWizz)",
    ],
    [QUOTAS.slice(1), "delivery server ee-pmta-vmta0: no warm-up quota for VMTA pmta-vmta0 today"],
  ])("refuses quotas %#", (quotas, message) => {
    expect(() => desiredDeliveryServers(inventory, quotas, SMTP)).toThrow(new ConfigError(message));
  });

  it("uses a host override for the PowerMTA server", () => {
    const desired = desiredDeliveryServers(inventory, QUOTAS, {
      ...SMTP,
      hostOverrides: { pmta: "10.0.0.5" },
    });
    expect(new Set(desired.map((d) => d.hostname))).toEqual(new Set(["10.0.0.5"]));
  });
});

describe("delivery-server plan", () => {
  const base = (): DesiredDeliveryServer[] => desiredDeliveryServers(inventory, QUOTAS, SMTP).slice(0, 2);
  const owned = new Set(["ee-pmta-vmta0", "ee-pmta-vmta1", "ee-old"]);
  const [d0, d1] = [() => base()[0] as DesiredDeliveryServer, () => base()[1] as DesiredDeliveryServer];

  interface Case {
    readonly name: string;
    readonly observed: () => ObservedDeliveryServer[];
    readonly plan: DeliveryServerPlan;
  }
  const cases: Case[] = [
    {
      name: "no-op when equal (in-use counts as active)",
      observed: () => [observedFrom(d0(), 1, { status: "in-use" }), observedFrom(d1(), 2)],
      plan: { steps: [], skipped: [] },
    },
    {
      name: "update of the quota only",
      observed: () => [
        observedFrom(d0(), 1, { quotas: { hourly: 1, daily: 10 }, status: "in-use" }),
        observedFrom(d1(), 2),
      ],
      plan: {
        steps: [
          {
            kind: "update",
            name: "ee-pmta-vmta0",
            changes: [
              { field: "hourly_quota", old: 1, new: 5, sensitive: false },
              { field: "daily_quota", old: 10, new: 50, sensitive: false },
            ],
          },
        ],
        skipped: [],
      },
    },
    {
      name: "create, with the password masked",
      observed: () => [observedFrom(d1(), 2)],
      plan: {
        steps: [
          {
            kind: "create",
            name: "ee-pmta-vmta0",
            changes: [
              { field: "type", old: null, new: "smtp-pmta", sensitive: false },
              { field: "hostname", old: null, new: "pmta.sos-mail.com", sensitive: false },
              { field: "port", old: null, new: 2525, sensitive: false },
              { field: "protocol", old: null, new: "", sensitive: false },
              { field: "username", old: null, new: "mailwizz", sensitive: false },
              { field: "password", old: null, new: SENSITIVE, sensitive: true },
              { field: "from_email", old: null, new: "bounce@sos-mail.com", sensitive: false },
              { field: "from_name", old: null, new: "SOS-Expat", sensitive: false },
              { field: "hourly_quota", old: null, new: 5, sensitive: false },
              { field: "daily_quota", old: null, new: 50, sensitive: false },
              { field: "meta_data", old: null, new: "X-Virtual-MTA: pmta-vmta0", sensitive: false },
              { field: "status", old: null, new: "active", sensitive: false },
            ],
          },
        ],
        skipped: [],
      },
    },
    {
      name: "a changed password is masked on both sides",
      observed: () => [observedFrom(d0(), 1, { password: "old-secret", headers: [] }), observedFrom(d1(), 2)],
      plan: {
        steps: [
          {
            kind: "update",
            name: "ee-pmta-vmta0",
            changes: [
              { field: "password", old: SENSITIVE, new: SENSITIVE, sensitive: true },
              { field: "meta_data", old: "", new: "X-Virtual-MTA: pmta-vmta0", sensitive: false },
            ],
          },
        ],
        skipped: [],
      },
    },
    {
      name: "disable of an owned server no longer desired; inactive ones and non-owned ones left alone",
      observed: () => [
        observedFrom(d0(), 1),
        observedFrom(d1(), 2),
        observedFrom(d0(), 3, { name: "ee-old", status: "in-use" }),
        observedFrom(d0(), 4, { name: "admin-smtp", status: "active" }),
        observedFrom(d0(), 5, { name: "ee-pmta-vmta9", status: "active" }),
      ],
      plan: {
        steps: [
          {
            kind: "disable",
            name: "ee-old",
            changes: [{ field: "status", old: "in-use", new: "inactive", sensitive: false }],
          },
        ],
        skipped: [],
      },
    },
  ];

  it.each(cases)("$name", ({ observed, plan }) => {
    expect(planDeliveryServers(base(), observed(), owned)).toEqual(plan);
  });

  it("skips a desired name held by a server email-engine does not own, and names two of a kind", () => {
    const notOwned = new Set(["ee-pmta-vmta1"]);
    expect(
      planDeliveryServers(
        base(),
        [
          observedFrom(d0(), 7, { quotas: { hourly: 0, daily: 0 } }),
          observedFrom(d1(), 2),
          observedFrom(d1(), 3),
        ],
        notOwned,
      ),
    ).toEqual({
      steps: [],
      skipped: [
        {
          name: "ee-pmta-vmta0",
          reason: "a delivery server with this name exists in MailWizz but email-engine did not create it",
        },
        { name: "ee-pmta-vmta1", reason: "2 delivery servers in MailWizz have this name" },
      ],
    });
  });

  it("keeps the password out of the plan, and applies it through the store to a no-op", async () => {
    const store = new MemoryDeliveryServerStore();
    const desired = desiredDeliveryServers(inventory, QUOTAS, SMTP);
    const first = planDeliveryServers(desired, await store.list(), new Set());
    expect(JSON.stringify(first)).not.toContain(SMTP.password);
    expect(first.steps.map((s) => s.kind)).toEqual(["create", "create", "create", "create", "create"]);
    await store.apply(storeOps(first, desired));
    const owned = new Set(desired.map((d) => d.name));
    expect(planDeliveryServers(desired, await store.list(), owned)).toEqual({ steps: [], skipped: [] });
    // Next day: quotas move; the plan is quota-only and the store writes only quotas.
    const tomorrow = desiredDeliveryServers(
      inventory,
      QUOTAS.map((q) => ({ ...q, quota: q.quota * 2 })),
      SMTP,
    );
    const second = planDeliveryServers(tomorrow, await store.list(), owned);
    expect(second.steps.map((s) => [s.name, s.changes.map((c) => c.field)])).toEqual([
      ["ee-pmta-vmta0", ["hourly_quota", "daily_quota"]],
      ["ee-pmta-vmta1", ["hourly_quota", "daily_quota"]],
      ["ee-pmta-vmta2", ["hourly_quota", "daily_quota"]],
    ]);
    const results = await store.apply(storeOps(second, tomorrow));
    expect(results.map((r) => r.fields)).toEqual(second.steps.map((s) => s.changes.map((c) => c.field)));
  });
});
