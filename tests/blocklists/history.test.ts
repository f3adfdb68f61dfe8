// Listing history in the embedded store (migration 0002), and the verdicts fed to the warm-up gates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlocklistHistory } from "../../reconciler/blocklists/history.ts";
import type { BlocklistResult } from "../../reconciler/blocklists/query.ts";
import { ledgerVerdicts, monitorMetrics, monitorVerdicts } from "../../reconciler/blocklists/verdict.ts";
import type { Finding } from "../../reconciler/dns/finding.ts";
import { finding } from "../../reconciler/dns/finding.ts";
import type { Inventory } from "../../reconciler/inventory/types.gen.ts";
import type { Store } from "../../reconciler/store/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { validateInventoryDir } from "../../reconciler/validate/index.ts";
import { BASE_INVENTORY } from "../helpers/inventory.ts";

let store: Store;
let inventory: Inventory;

beforeAll(async () => {
  store = await openStore({ schema: "blocklist_history_test" });
  const result = await validateInventoryDir(BASE_INVENTORY);
  if (!result.inventory) throw new Error("fixture inventory invalid");
  inventory = result.inventory;
});
afterAll(async () => {
  await store.close();
});

function r(
  subject: string,
  list: string,
  status: BlocklistResult["status"],
  codes: string[] = [],
): BlocklistResult {
  return {
    subject,
    kind: subject.includes(".com") ? "domain" : "ip",
    list,
    status,
    codes,
    severity: status === "listed" ? "pause" : null,
    detail: `${status} on ${list}`,
  };
}

const t = (hour: number) => new Date(Date.UTC(2026, 10, 24, hour));

describe("blocklist history", () => {
  it("opens an episode on listed, keeps it through errors, closes it on the next ok", async () => {
    const history = new BlocklistHistory(store.sql);
    await history.record([r("203.0.113.10", "spamhaus-zen", "ok"), r("203.0.113.11", "spamcop", "ok")], t(1));
    await history.record([r("203.0.113.10", "spamhaus-zen", "listed", ["127.0.0.2"])], t(2));
    await history.record([r("203.0.113.10", "spamhaus-zen", "error")], t(3));
    await history.record([r("203.0.113.10", "spamhaus-zen", "listed", ["127.0.0.4"])], t(4));
    expect(await history.open()).toEqual([
      {
        subject: "203.0.113.10",
        list: "spamhaus-zen",
        startedAt: t(2),
        lastSeenAt: t(4),
        endedAt: null,
        codes: "127.0.0.4",
        severity: "pause",
      },
    ]);
    await history.record([r("203.0.113.10", "spamhaus-zen", "ok")], t(5));
    await history.record([r("203.0.113.10", "spamhaus-zen", "listed", ["127.0.0.2"])], t(7));
    const episodes = await history.episodes("203.0.113.10");
    expect(episodes.map((e) => [e.startedAt.toISOString(), e.endedAt?.toISOString() ?? null])).toEqual([
      [t(2).toISOString(), t(5).toISOString()],
      [t(7).toISOString(), null],
    ]);
    expect(await history.counts(t(0))).toEqual([
      { status: "error", n: 1 },
      { status: "listed", n: 3 },
      { status: "ok", n: 3 },
    ]);
  });

  it("records a sweep in one transaction: a failing sweep leaves nothing", async () => {
    const bad = { ...r("203.0.113.12", "psbl", "listed"), status: "maybe" } as unknown as BlocklistResult;
    await expect(
      store.sql.transaction((tx) =>
        new BlocklistHistory(tx).record([r("203.0.113.12", "psbl", "listed"), bad], t(9)),
      ),
    ).rejects.toThrow(/blocklist_checks_status_check/);
    expect(await new BlocklistHistory(store.sql).episodes("203.0.113.12")).toEqual([]);
  });
});

describe("verdicts for the warm-up gates", () => {
  const dnsFail = (subject: string, domain: string, check: string, status: Finding["status"] = "fail") =>
    finding({ subject, domain, check, status, severity: "critical", detail: "broken" });

  it("pause-severity listing pauses the IP, hold-severity holds, info changes nothing", () => {
    const verdicts = monitorVerdicts(
      inventory,
      "2026-11-24",
      [],
      [
        { ...r("203.0.113.10", "spamhaus-zen", "listed", ["127.0.0.2"]), severity: "pause" },
        { ...r("203.0.113.11", "uceprotect-1", "listed", ["127.0.0.2"]), severity: "hold" },
        { ...r("203.0.113.12", "uceprotect-2", "listed", ["127.0.0.2"]), severity: "info" },
        r("203.0.113.13", "barracuda", "error"),
      ],
    );
    expect(verdicts.filter((v) => v.kind === "ip").map((v) => `${v.subject} ${v.verdict}`)).toEqual([
      "203.0.113.10 pause",
      "203.0.113.11 hold",
      "203.0.113.12 clear",
      "203.0.113.13 clear",
      "203.0.113.14 clear",
    ]);
    expect(verdicts.find((v) => v.subject === "203.0.113.13")?.reasons).toEqual([
      "barracuda: error on barracuda",
    ]);
    expect(ledgerVerdicts(verdicts)).toEqual([
      {
        ip: "203.0.113.10",
        day: "2026-11-24",
        verdict: "pause",
        reason: "spamhaus-zen: listed on spamhaus-zen",
      },
      {
        ip: "203.0.113.11",
        day: "2026-11-24",
        verdict: "hold",
        reason: "uceprotect-1: listed on uceprotect-1",
      },
    ]);
  });

  it("authentication failing stops the domain and every IP sending as it; could-not-check holds", () => {
    const verdicts = monitorVerdicts(
      inventory,
      "2026-11-24",
      [
        dnsFail("sos-mail.com", "sos-mail.com", "dkim.key"),
        dnsFail("203.0.113.11", "ulixai-mail.com", "ptr.fcrdns"),
        dnsFail("expat-services.com", "expat-services.com", "spf.record", "error"),
        finding({
          subject: "global-expat.com",
          domain: "global-expat.com",
          check: "dmarc.policy",
          status: "fail",
          severity: "warning",
          detail: "x",
        }),
      ],
      [{ ...r("expat-connect.com", "spamhaus-dbl", "listed", ["127.0.1.2"]), severity: "pause" }],
    );
    expect(verdicts.map((v) => `${v.kind} ${v.subject} ${v.verdict}`)).toEqual([
      "domain expat-connect.com pause",
      "domain expat-services.com hold",
      "domain global-expat.com clear",
      "domain sos-mail.com pause",
      "domain ulixai-mail.com clear",
      "ip 203.0.113.10 pause",
      "ip 203.0.113.11 pause",
      "ip 203.0.113.12 hold",
      "ip 203.0.113.13 pause",
      "ip 203.0.113.14 clear",
    ]);
    expect(verdicts.find((v) => v.subject === "203.0.113.10")?.reasons).toEqual([
      "domain sos-mail.com is not sending",
    ]);
    expect(
      monitorMetrics([dnsFail("a.test", "a.test", "spf.record")], [r("203.0.113.10", "spamcop", "ok")]),
    ).toEqual([
      { name: "email_engine_blocklist_checks", labels: { list: "spamcop", status: "ok" }, value: 1 },
      { name: "email_engine_dns_checks", labels: { status: "fail" }, value: 1 },
    ]);
  });
});
