// The reconcile loop: one tick at a time, on a jittered interval. A transient failure is retried with
// exponential backoff; a configuration error is not retried (the target is stalled until the inventory
// changes, which the next regular tick notices). stop() waits for the tick in flight. Time, sleep and
// randomness are injected so tests drive the loop without real waiting.
import { classify } from "../errors.ts";

export type TickResult =
  { readonly outcome: "ok" } | { readonly outcome: "stalled"; readonly message: string };

export interface LoopEvent {
  readonly type: "tick-start" | "tick-end" | "tick-skipped" | "suspended" | "resumed" | "stopped";
  readonly outcome?: "ok" | "stalled" | "transient" | "internal";
  readonly message?: string;
  /** Milliseconds until the next tick, on tick-end. */
  readonly nextInMs?: number;
}

export interface LoopClock {
  now(): number;
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface LoopOptions {
  readonly intervalMs: number;
  /** Fraction of the interval added or removed at random (0.1 = ±10 %), so daemons never tick in step. */
  readonly jitter: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly tick: (signal: AbortSignal) => Promise<TickResult>;
  readonly clock: LoopClock;
  readonly random: () => number;
  readonly onEvent?: (event: LoopEvent) => void;
}

export const realClock: LoopClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    }),
};

export class ReconcileLoop {
  #running = false;
  #suspended = false;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #stop = new AbortController();
  #wake = new AbortController();
  #done: Promise<void> | undefined;

  constructor(private readonly options: LoopOptions) {}

  get suspended(): boolean {
    return this.#suspended;
  }

  /** Starts ticking (the first tick runs at once). */
  start(): void {
    if (this.#done) return;
    this.#done = this.#run();
  }

  /** Runs one tick now unless one is in flight (then it is skipped and reported). */
  async tickNow(): Promise<void> {
    if (this.#running) {
      this.options.onEvent?.({ type: "tick-skipped", message: "a tick is already running" });
      return this.#inFlight;
    }
    await this.#tick();
  }

  suspend(): void {
    this.#suspended = true;
    this.options.onEvent?.({ type: "suspended" });
  }

  resume(): void {
    this.#suspended = false;
    this.options.onEvent?.({ type: "resumed" });
    this.#wake.abort();
  }

  /** Stops after the tick in flight, if any; never interrupts an apply half-way. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake.abort();
    await this.#done;
    await this.#inFlight;
    this.options.onEvent?.({ type: "stopped" });
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      let delay = this.options.intervalMs;
      if (!this.#suspended) delay = await this.#tick();
      if (this.#stop.signal.aborted) break;
      this.#wake = new AbortController();
      const either = AbortSignal.any([this.#stop.signal, this.#wake.signal]);
      await this.options.clock.sleep(delay, either);
    }
  }

  /** One tick; returns the delay before the next. */
  async #tick(): Promise<number> {
    this.#running = true;
    let resolveFlight!: () => void;
    this.#inFlight = new Promise((r) => (resolveFlight = r));
    this.options.onEvent?.({ type: "tick-start" });
    let nextInMs: number;
    let outcome: LoopEvent["outcome"];
    let message: string | undefined;
    try {
      const result = await this.options.tick(this.#stop.signal);
      this.#failures = 0;
      outcome = result.outcome;
      message = result.outcome === "stalled" ? result.message : undefined;
      nextInMs = this.#jittered(this.options.intervalMs);
    } catch (error) {
      const kind = classify(error);
      message = error instanceof Error ? error.message : String(error);
      if (kind === "transient") {
        this.#failures += 1;
        outcome = "transient";
        const { baseMs, maxMs } = this.options.backoff;
        nextInMs = this.#jittered(Math.min(maxMs, baseMs * 2 ** (this.#failures - 1)));
      } else {
        // A config error thrown instead of returned, or a bug: never retried in a tight loop.
        this.#failures = 0;
        outcome = kind === "config" ? "stalled" : "internal";
        nextInMs = this.#jittered(this.options.intervalMs);
      }
    } finally {
      this.#running = false;
      resolveFlight();
    }
    this.options.onEvent?.({
      type: "tick-end",
      outcome,
      nextInMs,
      ...(message !== undefined ? { message } : {}),
    });
    return nextInMs;
  }

  #jittered(ms: number): number {
    const spread = ms * this.options.jitter;
    return Math.max(0, Math.round(ms - spread + 2 * spread * this.options.random()));
  }
}
