// The daemon's records (migration 0003) on both backends: PGlite in-process and the machine's PostgreSQL.
import { describe, expect, it } from "vitest";
import { ReconcileRecords } from "../../reconciler/record/index.ts";
import type { StepRecord } from "../../reconciler/record/index.ts";
import type { Store } from "../../reconciler/store/index.ts";
import type { Backend } from "../helpers/backends.ts";
import { BACKENDS } from "../helpers/backends.ts";

const t = (minute: number) => new Date(Date.UTC(2026, 10, 24, 12, minute, 0));

async function open(backend: Backend): Promise<{ store: Store; records: ReconcileRecords }> {
  const store = await backend.open();
  return { store, records: new ReconcileRecords(store.sql) };
}

describe.each(BACKENDS)("reconcile records on $name (integration)", (backend) => {
  it("opens and finishes runs, newest first, with the plan summary", async () => {
    const { records } = await open(backend);
    const a = await records.startRun({
      target: "inventory",
      trigger: "startup",
      attemptedRevision: "aaa",
      at: t(0),
    });
    await records.finishRun(a, {
      outcome: "ok",
      message: "applied",
      summary: { create: 2, update: 1, delete: 0 },
      at: t(1),
    });
    const b = await records.startRun({
      target: "inventory",
      trigger: "schedule",
      attemptedRevision: null,
      at: t(5),
    });
    const c = await records.startRun({
      target: "host-1",
      trigger: "manual",
      attemptedRevision: "bbb",
      at: t(6),
    });
    await records.finishRun(c, { outcome: "stalled", message: "inventory does not validate", at: t(7) });

    expect(b).toBe(a + 1);
    expect(await records.recentRuns(10)).toEqual([
      {
        id: c,
        target: "host-1",
        trigger: "manual",
        startedAt: t(6),
        finishedAt: t(7),
        attemptedRevision: "bbb",
        outcome: "stalled",
        message: "inventory does not validate",
        summary: null,
      },
      {
        id: b,
        target: "inventory",
        trigger: "schedule",
        startedAt: t(5),
        finishedAt: null,
        attemptedRevision: null,
        outcome: null,
        message: "",
        summary: null,
      },
      {
        id: a,
        target: "inventory",
        trigger: "startup",
        startedAt: t(0),
        finishedAt: t(1),
        attemptedRevision: "aaa",
        outcome: "ok",
        message: "applied",
        summary: { create: 2, update: 1, delete: 0 },
      },
    ]);
    expect((await records.recentRuns(2)).map((r) => r.id)).toEqual([c, b]);
    expect((await records.recentRuns(10, "inventory")).map((r) => r.id)).toEqual([b, a]);
    expect((await records.getRun(a))?.outcome).toBe("ok");
    expect(await records.getRun(9999)).toBeNull();
  });

  it("refuses to finish a run twice, an unknown run, an unknown outcome, or a bad limit", async () => {
    const { records } = await open(backend);
    const id = await records.startRun({
      target: "inventory",
      trigger: "schedule",
      attemptedRevision: "a",
      at: t(0),
    });
    await records.finishRun(id, { outcome: "transient", message: "ssh timeout", at: t(1) });
    await expect(records.finishRun(id, { outcome: "ok", at: t(2) })).rejects.toThrow(/already finished/);
    await expect(records.finishRun(id + 100, { outcome: "ok", at: t(2) })).rejects.toThrow(/does not exist/);
    const other = await records.startRun({
      target: "inventory",
      trigger: "x",
      attemptedRevision: "a",
      at: t(3),
    });
    // @ts-expect-error: an outcome outside the closed set is refused by the table too
    await expect(records.finishRun(other, { outcome: "great", at: t(4) })).rejects.toThrow();
    await expect(records.recentRuns(0)).rejects.toThrow(RangeError);
  });

  it("closes the runs a crashed daemon left open as transient", async () => {
    const { records } = await open(backend);
    const done = await records.startRun({
      target: "inventory",
      trigger: "s",
      attemptedRevision: "a",
      at: t(0),
    });
    await records.finishRun(done, { outcome: "ok", at: t(1) });
    const open1 = await records.startRun({
      target: "inventory",
      trigger: "s",
      attemptedRevision: "b",
      at: t(2),
    });
    expect(await records.closeInterrupted(t(10))).toEqual([open1]);
    expect(await records.getRun(open1)).toMatchObject({
      outcome: "transient",
      finishedAt: t(10),
      message: "interrupted: the daemon stopped during this run",
    });
    expect((await records.getRun(done))?.finishedAt).toEqual(t(1));
    expect(await records.closeInterrupted(t(11))).toEqual([]);
  });

  it("records steps and replaces a step written again (NotExecuted, then its result)", async () => {
    const { records } = await open(backend);
    const run = await records.startRun({
      target: "inventory",
      trigger: "s",
      attemptedRevision: "a",
      at: t(0),
    });
    const planned: StepRecord[] = [
      {
        stepId: "pmta:vmta:vmta-06",
        system: "pmta",
        action: "create",
        target: "vmta-06",
        status: "NotExecuted",
        durationMs: 0,
        detail: "",
      },
      {
        stepId: "mailwizz:delivery-server:ip-06",
        system: "mailwizz",
        action: "create",
        target: "ip-06",
        status: "NotExecuted",
        durationMs: 0,
        detail: "",
      },
    ];
    await records.recordSteps(run, planned);
    await records.recordSteps(run, [
      { ...planned[0]!, status: "Error", durationMs: 1520, detail: "pmta reload failed" },
    ]);
    expect(await records.runSteps(run)).toEqual([
      planned[1],
      { ...planned[0], status: "Error", durationMs: 1520, detail: "pmta reload failed" },
    ]);
    await expect(records.recordSteps(run, [{ ...planned[0]!, durationMs: -1 }])).rejects.toThrow(RangeError);
    await expect(records.recordSteps(run + 1, planned)).rejects.toThrow(); // no such run (foreign key)
  });

  it("keeps a target's fields that an update leaves undefined, and clears those set to null", async () => {
    const { records } = await open(backend);
    expect(await records.getStatus("inventory")).toBeNull();
    await records.setStatus({
      target: "inventory",
      state: "ready",
      reason: "ReconciliationSucceeded",
      message: "applied rev a",
      lastAttemptedRevision: "a",
      lastAppliedRevision: "a",
      lastAttemptAt: t(0),
      lastSuccessAt: t(1),
      nextRunAt: t(6),
      validationErrors: [],
      at: t(1),
    });
    const errors = ["inventory/ips.yaml:12: ips[5].vmta: duplicate VMTA name vmta-01"];
    await records.setStatus({
      target: "inventory",
      state: "stalled",
      reason: "InvalidInventory",
      message: "revision b does not validate",
      lastAttemptedRevision: "b",
      lastAttemptAt: t(5),
      nextRunAt: null,
      validationErrors: errors,
      at: t(5),
    });
    await records.setStatus({ target: "host-1", state: "suspended", reason: "Suspended", at: t(2) });
    expect(await records.getStatus("inventory")).toEqual({
      target: "inventory",
      state: "stalled",
      reason: "InvalidInventory",
      message: "revision b does not validate",
      lastAttemptedRevision: "b",
      lastAppliedRevision: "a",
      lastAttemptAt: t(5),
      lastSuccessAt: t(1),
      nextRunAt: null,
      validationErrors: errors,
      updatedAt: t(5),
    });
    expect((await records.listStatus()).map((s) => `${s.target} ${s.state} ${s.message}`)).toEqual([
      "host-1 suspended ",
      "inventory stalled revision b does not validate",
    ]);
  });

  it("records owned objects once, guards deletes, and keeps the history of a re-created object", async () => {
    const { records } = await open(backend);
    const run = await records.startRun({
      target: "inventory",
      trigger: "s",
      attemptedRevision: "a",
      at: t(0),
    });
    const vmta = { system: "pmta", kind: "vmta", name: "mta1/vmta-06" };
    const server = { system: "mailwizz", kind: "delivery-server", name: "ip-06" };
    expect(await records.markOwned(vmta, run, t(1))).toBe(true);
    expect(await records.markOwned(vmta, run, t(2))).toBe(false);
    expect(await records.markOwned(server, null, t(1))).toBe(true);
    expect(await records.isOwned(vmta)).toBe(true);
    expect(await records.isOwned({ ...vmta, name: "mta1/vmta-01" })).toBe(false);
    expect(await records.markDeleted({ ...vmta, name: "mta1/vmta-01" }, t(3))).toBe(false);

    expect(await records.markDeleted(vmta, t(3))).toBe(true);
    expect(await records.isOwned(vmta)).toBe(false);
    expect(await records.markDeleted(vmta, t(4))).toBe(false);
    expect(await records.markOwned(vmta, null, t(5))).toBe(true);

    expect(await records.listOwned({ system: "pmta" })).toEqual([
      { ...vmta, createdByRun: null, createdAt: t(5), deletedAt: null },
    ]);
    expect(await records.listOwned({ includeDeleted: true })).toEqual([
      { ...server, createdByRun: null, createdAt: t(1), deletedAt: null },
      { ...vmta, createdByRun: run, createdAt: t(1), deletedAt: t(3) },
      { ...vmta, createdByRun: null, createdAt: t(5), deletedAt: null },
    ]);
    expect(await records.listOwned({ kind: "delivery-server" })).toHaveLength(1);
  });
});
