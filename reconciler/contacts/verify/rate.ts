// The probe's politeness: at most N connections per minute to one destination MX host (receivers block
// IPs that probe fast: deliverability.md §6.1), over a sliding window. The clock is injected so tests
// can prove the limit without waiting a minute.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class PerHostRate {
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** 0 when a start is granted now (and counted), else the milliseconds to wait before asking again. */
  tryAcquire(host: string): number {
    const now = this.clock.now();
    const recent = (this.starts.get(host) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length < this.perWindow) {
      recent.push(now);
      this.starts.set(host, recent);
      this.forgetIdle(now);
      return 0;
    }
    this.starts.set(host, recent);
    return recent[0]! + this.windowMs - now;
  }

  // Hosts probed once and never again would otherwise stay in the map for the life of the daemon.
  private forgetIdle(now: number): void {
    if (this.starts.size < 10_000) return;
    for (const [host, times] of this.starts) {
      if (times.every((t) => t <= now - this.windowMs)) this.starts.delete(host);
    }
  }
}
