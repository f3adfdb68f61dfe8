// Pure parsers: accounting CSV → typed events, `pmta --dom show status` / `show vmtas`.
import { describe, expect, it } from "vitest";
import {
  bounceClassOf,
  parseAccountingCsv,
  parseAcctTime,
  parseCsv,
} from "../../reconciler/pmta/host/accounting.ts";
import { parseStatus, parseVmtaNames } from "../../reconciler/pmta/host/status.ts";
import { ACCT_HEADER, ACCT_ROWS, acctFile } from "./fixtures.ts";

describe("parseCsv", () => {
  it("handles quotes, escaped quotes, commas and newlines in fields, CRLF", () => {
    const text = 'a,"b,c","say ""hi""",\r\n"multi\nline",x,,z\n';
    expect(parseCsv(text, false)).toEqual({
      rows: [
        ["a", "b,c", 'say "hi"', ""],
        ["multi\nline", "x", "", "z"],
      ],
      consumed: text.length,
    });
  });

  it("leaves an unfinished record (no newline yet, or an open quote) unconsumed unless final", () => {
    expect(parseCsv("a,b\nc,d", false)).toEqual({ rows: [["a", "b"]], consumed: 4 });
    expect(parseCsv("a,b\nc,d", true)).toEqual({
      rows: [
        ["a", "b"],
        ["c", "d"],
      ],
      consumed: 7,
    });
    expect(parseCsv('a,b\nc,"open\nstill', false)).toEqual({ rows: [["a", "b"]], consumed: 4 });
  });

  it("every fixture row has as many cells as the header", () => {
    const width = ACCT_HEADER.split(",").length;
    for (const row of Object.values(ACCT_ROWS)) expect(parseCsv(row, true).rows[0]).toHaveLength(width);
  });
});

describe("parseAcctTime", () => {
  it.each([
    ["2016-05-29 01:10:51+0200", "2016-05-28T23:10:51.000Z"],
    ["2026-11-24 11:00:00+0000", "2026-11-24T11:00:00.000Z"],
    ["2026-11-24 11:00:00-05:30", "2026-11-24T16:30:00.000Z"],
    ["1764000000", "2025-11-24T16:00:00.000Z"],
    ["yesterday", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(parseAcctTime(input)).toBe(expected);
  });
});

describe("parseAccountingCsv", () => {
  const parsed = parseAccountingCsv(acctFile(...Object.values(ACCT_ROWS)));

  it("turns each record type into its event and skips r records", () => {
    expect(parsed.events.map((e) => [e.recordType, e.kind])).toEqual([
      ["d", "delivered"],
      ["b", "bounced"],
      ["b", "bounced"],
      ["rb", "bounced"],
      ["f", "complaint"],
      ["t", "deferred"],
      ["tq", "deferred"],
    ]);
    expect(parsed.skipped).toBe(1);
  });

  it("a delivery carries VMTA, source IP, recipient domain, Message-Id, Feedback-ID, UTC time", () => {
    expect(parsed.events[0]).toEqual({
      kind: "delivered",
      recordType: "d",
      time: "2026-11-24T09:00:01.000Z",
      vmta: "vmta-192-0-2-10",
      sourceIp: "192.0.2.10",
      recipient: "Alice@Gmail.com",
      recipientDomain: "gmail.com",
      messageId: "<m1@mail.example.com>",
      feedbackId: "c1:t1:ml:engine",
      jobId: "job-7",
      dsnStatus: "2.0.0 (success)",
    });
  });

  it("bounces carry category and hard/soft class; remote bounces are marked", () => {
    const bounces = parsed.events.filter((e) => e.kind === "bounced");
    expect(bounces.map((b) => [b.recipientDomain, b.category, b.bounceClass, b.remote])).toEqual([
      ["yahoo.com", "bad-mailbox", "hard", false],
      ["outlook.com", "quota-issues", "soft", false],
      ["example.org", "spam-related", "soft", true],
    ]);
    expect(bounces[1]?.dsnDiag).toBe('smtp;552 5.2.2 mailbox full, "quota" exceeded');
    expect(bounces[2]?.dsnDiag).toBe("smtp;550 5.7.1 blocked\nsee https://example.org/why");
  });

  it("complaints and deferrals", () => {
    expect(parsed.events[4]).toMatchObject({
      kind: "complaint",
      recipientDomain: "aol.com",
      feedbackType: "abuse",
      feedbackId: "c1:t1:ml:engine",
      time: "2026-11-24T11:00:00.000Z",
    });
    expect(parsed.events[5]).toMatchObject({
      kind: "deferred",
      queueWide: false,
      category: "policy-related",
      sourceIp: "192.0.2.11",
      dsnStatus: "4.7.0 (temporary failure)",
    });
    expect(parsed.events[6]).toMatchObject({
      kind: "deferred",
      queueWide: true,
      recipient: null,
      recipientDomain: null,
      time: "2025-11-24T16:00:00.000Z",
    });
  });

  it.each([
    ["bad-mailbox", "hard"],
    ["bad-domain", "hard"],
    ["inactive-mailbox", "hard"],
    ["routing-errors", "hard"],
    ["quota-issues", "soft"],
    ["policy-related", "soft"],
    ["spam-related", "soft"],
    ["no-answer-from-host", "soft"],
    ["other", "soft"],
  ])("bounce category %s is %s", (category, expected) => {
    expect(bounceClassOf(category)).toBe(expected);
  });

  it("rejects text that is not an accounting file", () => {
    expect(() => parseAccountingCsv("a,b\n1,2\n")).toThrow(
      'Not a PowerMTA accounting CSV: the first column must be "type"',
    );
  });
});

describe("status parsers", () => {
  const STATUS = [
    'status.product="PowerMTA v5.0r3"',
    'status.status="running"',
    'status.conn.smtpIn.cur="2"',
    'status.conn.smtpOut.cur="7"',
    'status.conn.smtpOut.max="1000"',
    'status.traffic.lastHr.out.rcp="118"',
    'status.queue.smtp.rcp="655"',
    'status.queue.smtp.dom="42"',
    'status.spool.files="700"',
    "garbage line",
    "",
  ].join("\n");

  it("parses `pmta --dom show status` into a typed object", () => {
    const s = parseStatus(STATUS);
    expect(s.status).toBe("running");
    expect(s.product).toBe("PowerMTA v5.0r3");
    expect(s.conn.smtpOut).toEqual({ cur: 7, max: 1000, top: null });
    expect(s.conn.smtpIn.cur).toBe(2);
    expect(s.traffic.lastHr.out).toEqual({ rcp: 118, msg: null, kb: null });
    expect(s.queue.smtp).toEqual({ rcp: 655, dom: 42, kb: null });
    expect(s.spool.files).toBe(700);
    expect(Object.keys(s.raw)).toHaveLength(9);
  });

  it("rejects an answer without status lines", () => {
    expect(() => parseStatus("pmta: command not found\n")).toThrow(
      "Not a `pmta --dom show status` answer: no status.* line",
    );
  });

  it("reads VMTA names from `pmta --dom show vmtas`, sorted and unique", () => {
    const text =
      'vmtas.vmta.name="vmta-b"\nvmtas.vmta.rcp="0"\nvmtas.vmta.name="vmta-a"\nvmtas.vmta.name="vmta-b"\nother.name="x"\n';
    expect(parseVmtaNames(text)).toEqual(["vmta-a", "vmta-b"]);
  });
});
