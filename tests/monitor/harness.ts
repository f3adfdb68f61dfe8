// Shared set-up of the monitor tests: the local DNS server publishing correct records and RBL test
// zones for the fixture inventory plus a second IP of sos-mail.com, and the two store backends.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { BlocklistHistory } from "../../reconciler/blocklists/history.ts";
import { activeBlocklists } from "../../reconciler/blocklists/lists.ts";
import { checkBlocklists } from "../../reconciler/blocklists/query.ts";
import { runDnsChecks } from "../../reconciler/dns/checks.ts";
import type { DnsClient } from "../../reconciler/dns/resolver.ts";
import { createDnsClient } from "../../reconciler/dns/resolver.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { MonitorSignals } from "../../reconciler/monitor/signals.ts";
import { lockMonitorRuns, monitorDay, recordMonitorRun } from "../../reconciler/monitor/record.ts";
import { blocklistVerdicts, dnsVerdicts } from "../../reconciler/monitor/verdicts.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { publishTestEntries, testSettings } from "../blocklists/rbl.ts";
import type { KeyPair } from "../dns/zone.ts";
import { publishInventory, rsaKey } from "../dns/zone.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.ts";
import { TestDnsServer } from "../peers/dns-server.ts";

export let server: TestDnsServer;
export let dns: DnsClient;
export let inventory: Inventory;
export let key: KeyPair;
export let keys: Map<string, string>;

/** sos-mail.com sends from two IPs here, to see a domain's verdict reach both. */
export const SOS = "sos-mail.com";
export const SOS_IPS = ["203.0.113.10", "203.0.113.15"] as const;
export const OTHER_IP = "203.0.113.11";

export interface Backend {
  readonly name: string;
  /** The backend's store, emptied: one store per backend and file, opened on first use. */
  open(): Promise<Store>;
}

const opened = new Map<string, { store: Store; drop?: string }>();

async function reuse(name: string, open: () => Promise<{ store: Store; drop?: string }>): Promise<Store> {
  let entry = opened.get(name);
  if (entry === undefined) {
    entry = await open();
    opened.set(name, entry);
  }
  await entry.store.sql.exec(
    "TRUNCATE monitor_verdicts, warmup_ledger, blocklist_checks, blocklist_listings",
  );
  return entry.store;
}

export const backends: Backend[] = [
  {
    name: "PGlite",
    open: () =>
      reuse("PGlite", async () => ({
        store: await openStore({ dataDir: undefined, schema: uniqueSchema("ee_monitor") }),
      })),
  },
  {
    name: "PostgreSQL",
    open: () =>
      reuse("PostgreSQL", async () => {
        const schema = uniqueSchema("ee_monitor");
        return { store: await openStore({ databaseUrl: TEST_DATABASE_URL, schema }), drop: schema };
      }),
  },
];

export function useMonitorHarness(): void {
  beforeAll(async () => {
    server = await TestDnsServer.start();
    dns = createDnsClient({ servers: [server.address], timeoutMs: 300, tries: 1 });
    const result = await validateInventoryDir(BASE_INVENTORY);
    if (!result.inventory) throw new Error("fixture inventory invalid");
    const base = result.inventory;
    const second = { ...base.ips.find((ip) => ip.address === SOS_IPS[0])! };
    inventory = {
      ...base,
      ips: [
        ...base.ips,
        { ...second, address: SOS_IPS[1], hostname: "mail2.sos-mail.com", vmta: "pmta-vmta5" },
      ],
    };
    key = rsaKey(2048);
  });
  afterAll(async () => {
    await server.close();
    for (const { store, drop } of opened.values()) {
      await store.close();
      if (drop !== undefined) await dropSchema(drop);
    }
    opened.clear();
  });
  beforeEach(() => {
    server.clear();
    keys = publishInventory(server, inventory, key);
    publishTestEntries(server);
  });
}

type Writer = (store: Store) => Promise<Map<string, MonitorSignals>>;

/** Runs the DNS checks now; the result stores them (at `at`) as the check command does. */
export async function dnsRun(at: Date): Promise<Writer> {
  const findings = await runDnsChecks(inventory, dns, { dkimKeys: keys });
  const verdicts = dnsVerdicts(inventory, findings, monitorDay(inventory, at));
  return (store) => store.sql.transaction((tx) => recordMonitorRun(tx, inventory, verdicts, at));
}

/** Runs a blocklist sweep over the test zones now; the result stores it as the check command does. */
export async function sweepRun(at: Date): Promise<Writer> {
  const ips = inventory.ips.flatMap((ip) => (ip.address === undefined ? [] : [ip.address])).sort();
  const domains = Object.keys(inventory.domains).sort();
  const lists = activeBlocklists(testSettings());
  const run = await checkBlocklists(dns, lists, { ips, domains }, { concurrencyPerZone: 4 });
  const verdicts = blocklistVerdicts(inventory, run.results, monitorDay(inventory, at));
  return (store) =>
    store.sql.transaction(async (tx) => {
      await lockMonitorRuns(tx);
      await new BlocklistHistory(tx).record(run.results, at);
      return recordMonitorRun(tx, inventory, verdicts, at);
    });
}

export async function dnsCheck(store: Store, at: Date): Promise<Map<string, MonitorSignals>> {
  return (await dnsRun(at))(store);
}

export async function sweep(store: Store, at: Date): Promise<Map<string, MonitorSignals>> {
  return (await sweepRun(at))(store);
}

/** A signal as a short string: the flags that are set. */
export function flags(s: MonitorSignals | undefined): string {
  if (s === undefined) return "(none)";
  const set = (["listed", "listedPause", "authFail", "authUnproven"] as const).filter((k) => s[k]);
  return set.length > 0 ? set.join(",") : "clear";
}

/** The ledger's listed flag per IP for a day ("-" when the IP has no row). */
export async function listedFlags(store: Store, day: string): Promise<Record<string, string>> {
  const rows = await store.ledger.list({ from: day });
  const out: Record<string, string> = {};
  for (const ip of inventory.ips) {
    const row = rows.find((r) => r.ip === ip.address && r.day === day);
    out[ip.address!] = row === undefined ? "-" : String(row.listed);
  }
  return out;
}
