// Feeding the gates, end to end on both store backends: checks against the local DNS server, verdicts
// stored per subject and local day, each IP's signals, and the ledger's listed flag.
import { describe, expect, it } from "vitest";
import { judgeDay } from "../../reconciler/gates/judge.ts";
import { lockMonitorRuns } from "../../reconciler/monitor/record.ts";
import { MonitorVerdicts } from "../../reconciler/monitor/repository.ts";
import { readDaySignals, readSignals } from "../../reconciler/monitor/signals.ts";
import { readMonitorStatus } from "../../reconciler/monitor/status.ts";
import { queryName } from "../../reconciler/blocklists/query.ts";
import { reverseName } from "../../reconciler/dns/resolver.ts";
import { list, TEST_ZONES } from "../blocklists/rbl.ts";
import { dkimTxt, rsaKey } from "../dns/zone.ts";
import {
  backends,
  dnsCheck,
  dnsRun,
  flags,
  inventory,
  listedFlags,
  OTHER_IP,
  server,
  SOS,
  SOS_IPS,
  sweep,
  sweepRun,
  useMonitorHarness,
} from "./harness.ts";

useMonitorHarness();

const DAY = "2026-11-24";
const NEXT = "2026-11-25";
const at = (iso: string) => new Date(iso);

describe.each(backends)("monitor signals on $name (integration)", (backend) => {
  it("a pause-severity listing: the IP's signal is listedPause and its ledger row says listed", async () => {
    const store = await backend.open();
    list(server, "spamhaus-zen", SOS_IPS[0], "127.0.0.2");
    const signals = await sweep(store, at("2026-11-24T10:00:00Z"));
    expect(flags(signals.get(SOS_IPS[0]))).toBe("listed,listedPause");
    expect(flags(signals.get(SOS_IPS[1]))).toBe("clear");
    expect(await listedFlags(store, DAY)).toEqual({
      "203.0.113.10": "true",
      "203.0.113.11": "-",
      "203.0.113.12": "-",
      "203.0.113.13": "-",
      "203.0.113.14": "-",
      "203.0.113.15": "-",
    });
    const read = await readSignals(store.sql, inventory, SOS_IPS[0], DAY);
    expect(read).toEqual(signals.get(SOS_IPS[0]));
    expect(await readDaySignals(store.sql, inventory, DAY)).toEqual(signals);
    expect(read.reasons).toHaveLength(1);
    expect(read.reasons[0]).toMatch(
      /^ip 203\.0\.113\.10 listed \(pause\): spamhaus-zen: listed on Spamhaus ZEN/,
    );
    // The gates pause the IP on it.
    const counts = { sent: 0, bounced: 0, complained: 0, deferred: 0, quota: 50 };
    const gates = inventory.gates["default"]!;
    expect(judgeDay({ ...counts, ...read }, gates, DAY).verdict).toBe("pause");
  });

  it("a hold-severity listing: listed, not pause", async () => {
    const store = await backend.open();
    list(server, "uceprotect-1", OTHER_IP, "127.0.0.2");
    const signals = await sweep(store, at("2026-11-24T10:00:00Z"));
    expect(flags(signals.get(OTHER_IP))).toBe("listed");
    expect((await listedFlags(store, DAY))[OTHER_IP]).toBe("true");
  });

  it("a domain on a pause-severity domain list pauses every IP sending as it", async () => {
    const store = await backend.open();
    list(server, "spamhaus-dbl", SOS, "127.0.1.2");
    const signals = await sweep(store, at("2026-11-24T10:00:00Z"));
    expect(SOS_IPS.map((ip) => flags(signals.get(ip)))).toEqual(["listed,listedPause", "listed,listedPause"]);
    expect(flags(signals.get(OTHER_IP))).toBe("clear");
  });

  it.each([
    {
      name: "DKIM key mismatch",
      breakIt: () => server.set(`ee1._domainkey.${SOS}`, "TXT", [dkimTxt(rsaKey(1024).p)]),
    },
    {
      name: "SPF not covering one IP",
      breakIt: () => server.set(SOS, "TXT", [[`v=spf1 ip4:${SOS_IPS[0]} -all`]]),
    },
  ])("$name: authFail for every IP of the domain, as a pause", async ({ breakIt }) => {
    const store = await backend.open();
    breakIt();
    const signals = await dnsCheck(store, at("2026-11-24T10:00:00Z"));
    expect(SOS_IPS.map((ip) => flags(signals.get(ip)))).toEqual([
      "listed,listedPause,authFail",
      "listed,listedPause,authFail",
    ]);
    expect(flags(signals.get(OTHER_IP))).toBe("clear");
    expect(signals.get(SOS_IPS[1])!.reasons[0]).toMatch(
      /^domain sos-mail\.com authentication failing, no sending \(pause\): (dkim\.key|spf\.authorizes) failing/,
    );
    const ledger = await listedFlags(store, DAY);
    expect([ledger[SOS_IPS[0]], ledger[SOS_IPS[1]], ledger[OTHER_IP]]).toEqual(["true", "true", "-"]);
  });

  it("reverse DNS broken pauses that IP only; a DNS check that cannot run holds", async () => {
    const store = await backend.open();
    server.set(reverseName(SOS_IPS[1]), "PTR", ["other.example"]);
    server.hang("_dmarc.ulixai-mail.com");
    const signals = await dnsCheck(store, at("2026-11-24T10:00:00Z"));
    expect(SOS_IPS.map((ip) => flags(signals.get(ip)))).toEqual(["clear", "listed,listedPause,authFail"]);
    expect(flags(signals.get(OTHER_IP))).toBe("listed,authUnproven");
  });

  it("a later clean check the same day keeps the listing; the next day clean is clear", async () => {
    const store = await backend.open();
    const verdicts = new MonitorVerdicts(store.sql);
    list(server, "spamhaus-zen", SOS_IPS[0], "127.0.0.2");
    await sweep(store, at("2026-11-24T09:00:00Z")); // 10:00 in Paris
    server.delete(queryName(SOS_IPS[0], TEST_ZONES["spamhaus-zen"]!));
    const later = await sweep(store, at("2026-11-24T15:00:00Z"));
    expect(flags(later.get(SOS_IPS[0]))).toBe("listed,listedPause");
    expect((await listedFlags(store, DAY))[SOS_IPS[0]]).toBe("true");
    const [row] = await verdicts.forDay(DAY, [SOS_IPS[0]]);
    expect(row).toMatchObject({
      verdict: "pause",
      source: "blocklists",
      checkedAt: at("2026-11-24T09:00:00Z"),
      lastCheckedAt: at("2026-11-24T15:00:00Z"),
    });

    const next = await sweep(store, at("2026-11-25T08:00:00Z"));
    expect(flags(next.get(SOS_IPS[0]))).toBe("clear");
    expect((await listedFlags(store, NEXT))[SOS_IPS[0]]).toBe("-");
    expect((await listedFlags(store, DAY))[SOS_IPS[0]]).toBe("true");
    expect(flags(await readSignals(store.sql, inventory, SOS_IPS[0], DAY))).toBe("listed,listedPause");
  });

  it("the stored row keeps the day's worst verdict, first seen when, with the latest reason", async () => {
    const store = await backend.open();
    const verdicts = new MonitorVerdicts(store.sql);
    const entry = { subject: OTHER_IP, kind: "ip", day: DAY, source: "blocklists" } as const;
    await verdicts.record([{ ...entry, verdict: "clear", reason: "not listed" }], at("2026-11-24T08:00:00Z"));
    await verdicts.record([{ ...entry, verdict: "hold", reason: "psbl" }], at("2026-11-24T09:00:00Z"));
    await verdicts.record([{ ...entry, verdict: "pause", reason: "zen" }], at("2026-11-24T10:00:00Z"));
    await verdicts.record([{ ...entry, verdict: "hold", reason: "psbl again" }], at("2026-11-24T11:00:00Z"));
    await verdicts.record(
      [{ ...entry, verdict: "pause", reason: "zen and spamcop" }],
      at("2026-11-24T12:00:00Z"),
    );
    await verdicts.record([{ ...entry, verdict: "clear", reason: "not listed" }], at("2026-11-24T13:00:00Z"));
    expect(await verdicts.forDay(DAY)).toEqual([
      {
        ...entry,
        verdict: "pause",
        reason: "zen and spamcop",
        checkedAt: at("2026-11-24T10:00:00Z"),
        lastCheckedAt: at("2026-11-24T13:00:00Z"),
      },
    ]);
  });

  it("a DNS check and a sweep finishing together both count: runs are serialized", async () => {
    const store = await backend.open();
    list(server, "spamhaus-zen", OTHER_IP, "127.0.0.2");
    server.set(SOS, "TXT", [[`v=spf1 ip4:${SOS_IPS[0]} -all`]]);
    const when = at("2026-11-24T10:00:00Z");
    // Rows that exist already (the counters): an unserialized run would clear the other's flag.
    for (const ip of [...SOS_IPS, OTHER_IP]) await store.ledger.addCounts(ip, DAY, { sent: 1 });
    // The checks first (PGlite shares the event loop with the test DNS server), then the four
    // transactions at once.
    const writers = [await sweepRun(when), await dnsRun(when), await sweepRun(when), await dnsRun(when)];
    await Promise.all(writers.map((write) => write(store)));
    const ledger = await listedFlags(store, DAY);
    expect([ledger[SOS_IPS[0]], ledger[SOS_IPS[1]], ledger[OTHER_IP], ledger["203.0.113.12"]]).toEqual([
      "true",
      "true",
      "true",
      "-",
    ]);
  });

  it("a run waits while another holds the monitors' lock", async () => {
    const store = await backend.open();
    list(server, "spamhaus-zen", OTHER_IP, "127.0.0.2");
    const write = await sweepRun(at("2026-11-24T10:00:00Z"));
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken = () => {};
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const holder = store.sql.transaction(async (tx) => {
      await lockMonitorRuns(tx);
      taken();
      await held;
    });
    await lockTaken;
    let done = false;
    const run = write(store).then(() => (done = true));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
    } finally {
      release();
      await holder;
      await run;
    }
    expect((await listedFlags(store, DAY))[OTHER_IP]).toBe("true");
  });

  it("the day is the inventory's: a check at 23:30 UTC counts for the next day in Europe/Paris", async () => {
    const store = await backend.open();
    expect(inventory.platform.timezone).toBe("Europe/Paris");
    list(server, "spamhaus-zen", OTHER_IP, "127.0.0.4");
    await sweep(store, at("2026-11-24T23:30:00Z"));
    expect((await listedFlags(store, NEXT))[OTHER_IP]).toBe("true");
    expect((await listedFlags(store, DAY))[OTHER_IP]).toBe("-");
    expect(flags(await readSignals(store.sql, inventory, OTHER_IP, NEXT))).toBe("listed,listedPause");
    expect(flags(await readSignals(store.sql, inventory, OTHER_IP, DAY))).toBe("clear");
    expect((await new MonitorVerdicts(store.sql).forDay(DAY)).length).toBe(0);
  });

  it("writing the listed flag leaves the ledger's counters and verdict alone", async () => {
    const store = await backend.open();
    await store.ledger.addCounts(OTHER_IP, DAY, { sent: 40, bounced: 1 });
    await store.ledger.judge(OTHER_IP, DAY, "advance", "healthy", 50);
    list(server, "psbl", OTHER_IP, "127.0.0.2");
    await sweep(store, at("2026-11-24T10:00:00Z"));
    const [row] = await store.ledger.list({ ip: OTHER_IP });
    expect(row).toEqual({
      ip: OTHER_IP,
      day: DAY,
      quota: 50,
      sent: 40,
      bounced: 1,
      complained: 0,
      deferred: 0,
      listed: true,
      verdict: "advance",
      reason: "healthy",
    });
  });

  it("status entries say state, since when and why; metrics count listings and auth failures", async () => {
    const store = await backend.open();
    list(server, "spamhaus-zen", SOS_IPS[0], "127.0.0.2");
    list(server, "uceprotect-1", OTHER_IP, "127.0.0.2");
    server.set("_dmarc.global-expat.com", "TXT", [["v=spf1 nonsense"]]);
    await sweep(store, at("2026-11-23T10:00:00Z"));
    await sweep(store, at("2026-11-24T10:00:00Z"));
    await dnsCheck(store, at("2026-11-24T11:00:00Z"));
    const status = await readMonitorStatus(store.sql, inventory, at("2026-11-24T12:00:00Z"));
    expect(status.day).toBe(DAY);
    expect(
      status.entries.map((e) => `${e.kind} ${e.subject} ${e.state} ${e.since ?? "-"} ${e.day ?? "-"}`),
    ).toEqual([
      "domain expat-connect.com clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "domain expat-services.com clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "domain global-expat.com pause 2026-11-24T11:00:00.000Z 2026-11-24",
      "domain sos-mail.com clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "domain ulixai-mail.com clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "ip 203.0.113.10 pause 2026-11-23T10:00:00.000Z 2026-11-24",
      "ip 203.0.113.11 hold 2026-11-23T10:00:00.000Z 2026-11-24",
      "ip 203.0.113.12 clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "ip 203.0.113.13 clear 2026-11-23T10:00:00.000Z 2026-11-24",
      "ip 203.0.113.14 pause 2026-11-24T11:00:00.000Z 2026-11-24",
      "ip 203.0.113.15 clear 2026-11-23T10:00:00.000Z 2026-11-24",
    ]);
    const ip14 = status.entries.find((e) => e.subject === "203.0.113.14")!;
    expect(ip14.reason).toMatch(
      /^domain global-expat\.com authentication failing, no sending \(pause\): dmarc\.record failing/,
    );
    expect(ip14.lastCheckedAt).toBe("2026-11-24T11:00:00.000Z");
    const gauges = status.metrics.map((m) => `${m.name}${JSON.stringify(m.labels)} ${m.value}`);
    expect(gauges).toEqual([
      'email_engine_blocklist_listed_subjects{"list":"spamhaus-zen","severity":"pause"} 1',
      'email_engine_blocklist_listed_subjects{"list":"uceprotect-1","severity":"hold"} 1',
      'email_engine_auth_failing{"domain":"expat-connect.com"} 0',
      'email_engine_auth_failing{"domain":"expat-services.com"} 0',
      'email_engine_auth_failing{"domain":"global-expat.com"} 1',
      'email_engine_auth_failing{"domain":"sos-mail.com"} 0',
      'email_engine_auth_failing{"domain":"ulixai-mail.com"} 0',
      'email_engine_monitor_subjects{"kind":"domain","state":"clear"} 4',
      'email_engine_monitor_subjects{"kind":"domain","state":"hold"} 0',
      'email_engine_monitor_subjects{"kind":"domain","state":"pause"} 1',
      'email_engine_monitor_subjects{"kind":"domain","state":"unchecked"} 0',
      'email_engine_monitor_subjects{"kind":"ip","state":"clear"} 3',
      'email_engine_monitor_subjects{"kind":"ip","state":"hold"} 1',
      'email_engine_monitor_subjects{"kind":"ip","state":"pause"} 2',
      'email_engine_monitor_subjects{"kind":"ip","state":"unchecked"} 0',
    ]);
  });
});
