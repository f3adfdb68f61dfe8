// The `api` section of the inventory in force, resolved for the sibling routes: secrets read through
// their references, CIDRs parsed. Resolved once per inventory object (a new tick brings a new one), so
// a rotated key or secret applies from the next good inventory without a restart.
import ipaddr from "ipaddr.js";
import { ConfigError } from "../errors.ts";
import { readSecret } from "../inventory/secrets.ts";
import type { Secrets } from "../inventory/secrets.ts";
import type { Inventory, SecretRef } from "../inventory/types.gen.ts";

export interface FeedbackSettings {
  readonly bounceUrl: string | undefined;
  readonly deliveryUrl: string | undefined;
  readonly secret: string;
  readonly retries: number;
  readonly retryDelaySeconds: number;
  readonly timeoutMs: number;
}

export interface SiblingSettings {
  /** Valid X-API-Key values (several during a rotation); empty: the v1 API answers 503. */
  readonly keys: readonly string[];
  /** Secret references that could not be read (said in the log): the key is not accepted, the
   *  feedback is off, the PowerMTA webhooks refuse everything (a configured signature is never skipped). */
  readonly problems: readonly string[];
  readonly pmta: {
    readonly secret: string | undefined;
    /** The configured secret could not be read: the webhooks answer 503 until it can. */
    readonly secretMissing: boolean;
    readonly allow: readonly Cidr[];
    /** Servers whose ledger counts come from the webhooks (not from their accounting files). */
    readonly ledger: ReadonlySet<string>;
  };
  /** undefined: feedback to Scraper-Pro is not configured. */
  readonly feedback: FeedbackSettings | undefined;
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The old pipes posted to 127.0.0.1: loopback is the only peer trusted without configuration. */
const LOOPBACK = ["127.0.0.0/8", "::1/128"];

export function parseCidr(text: string, where: string): Cidr {
  try {
    if (text.includes("/")) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  } catch {
    throw new ConfigError(`${where}: ${JSON.stringify(text)} is not an address or a CIDR`, [
      "    fix: write an address (10.0.0.5) or a CIDR (10.0.0.0/24, 2001:db8::/64)",
    ]);
  }
}

/** True when `peer` (a socket's remote address, IPv4-mapped IPv6 included) is inside one of `allow`. */
export function peerAllowed(peer: string | undefined, allow: readonly Cidr[]): boolean {
  if (!peer || !ipaddr.isValid(peer)) return false;
  const address = ipaddr.process(peer);
  return allow.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

/** The socket's remote address in its plain form (IPv4-mapped IPv6 unwrapped). */
export function plainPeer(peer: string | undefined): string {
  if (!peer || !ipaddr.isValid(peer)) return peer ?? "";
  return ipaddr.process(peer).toString();
}

async function tryRead(
  ref: SecretRef | undefined,
  secrets: Secrets,
  what: string,
  problems: string[],
): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  try {
    return await readSecret(ref, secrets, what);
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

export async function resolveSiblingSettings(
  inventory: Inventory,
  secrets: Secrets,
): Promise<SiblingSettings> {
  const api = inventory.api ?? {};
  const problems: string[] = [];
  const keys: string[] = [];
  for (const [i, ref] of (api.keys ?? []).entries()) {
    const key = await tryRead(ref, secrets, `api.keys[${i}]`, problems);
    if (key !== undefined) keys.push(key);
  }
  const pmta = api.pmta ?? {};
  const allow = (pmta.allow ?? LOOPBACK).map((text, i) => parseCidr(text, `api.pmta.allow[${i}]`));
  const pmtaSecret = await tryRead(pmta.secret, secrets, "api.pmta.secret", problems);
  const feedback = api.feedback;
  const wanted =
    feedback !== undefined && (feedback.bounceUrl !== undefined || feedback.deliveryUrl !== undefined);
  const feedbackSecret = wanted
    ? await tryRead(feedback.secret, secrets, "api.feedback.secret", problems)
    : undefined;
  return {
    keys,
    problems,
    pmta: {
      secret: pmtaSecret,
      secretMissing: pmta.secret !== undefined && pmtaSecret === undefined,
      allow,
      ledger: new Set(pmta.ledger ?? []),
    },
    feedback:
      !wanted || feedbackSecret === undefined
        ? undefined
        : { ...feedbackPolicy(inventory)!, secret: feedbackSecret },
  };
}

/** What the queue needs to know of api.feedback (no secret: the worker reads it at each attempt). */
export type FeedbackPolicy = Omit<FeedbackSettings, "secret">;

/** api.feedback with its defaults, or undefined when no feedback URL is configured. */
export function feedbackPolicy(inventory: Inventory): FeedbackPolicy | undefined {
  const feedback = inventory.api?.feedback;
  if (feedback === undefined || (feedback.bounceUrl === undefined && feedback.deliveryUrl === undefined))
    return undefined;
  return {
    bounceUrl: feedback.bounceUrl,
    deliveryUrl: feedback.deliveryUrl,
    retries: feedback.retries ?? 10,
    retryDelaySeconds: feedback.retryDelaySeconds ?? 120,
    timeoutMs: (feedback.timeoutSeconds ?? 10) * 1000,
  };
}

/**
 * Settings of the inventory in force, cached per inventory object. A failure (an unusable CIDR) is
 * not cached: the next request tries again, and gets the same clear ConfigError until fixed.
 */
export function settingsCache(
  inventory: () => Inventory | undefined,
  secrets: () => Secrets,
): () => Promise<SiblingSettings | undefined> {
  let cached: { inventory: Inventory; settings: Promise<SiblingSettings> } | undefined;
  return async () => {
    const current = inventory();
    if (current === undefined) return undefined;
    if (cached?.inventory !== current) {
      const settings = resolveSiblingSettings(current, secrets());
      cached = { inventory: current, settings };
      settings.catch(() => {
        if (cached?.settings === settings) cached = undefined;
      });
    }
    return cached.settings;
  };
}
