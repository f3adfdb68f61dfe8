// A lock on the host, so two deploys (two reconcilers, or an operator's script using the same path) never
// interleave. `mkdir` is atomic on POSIX filesystems: whoever creates the directory holds the lock. The
// owner file inside says who and since when (remote clock, so skew between machines does not matter).
// A lock older than `staleAfterSeconds` (a deploy that crashed or lost its connection) is broken.
import { dirname } from "node:path";
import { TransientError } from "../../errors.ts";
import { sh } from "./quote.ts";
import type { HostSession } from "./session.ts";

export interface LockOptions {
  lockPath: string;
  /** Who takes it (shown to whoever finds it held), e.g. "email-engine deploy on ctl-1 pid 42". */
  owner: string;
  /** Random, unique per attempt: release only removes a lock carrying our token. */
  token: string;
  staleAfterSeconds: number;
}

export interface HostLock {
  release(): Promise<void>;
  /** Set when a stale lock was broken to take this one (its owner line). */
  brokeStaleLock: string | null;
}

interface HeldBy {
  owner: string | null;
  token: string | null;
  since: number | null;
  mtime: number | null;
  now: number;
}

function parseHeld(stdout: string): HeldBy {
  const field = (name: string): string | null => {
    const match = new RegExp(`^${name}=(.*)$`, "m").exec(stdout);
    return match?.[1] ?? null;
  };
  const num = (name: string): number | null => {
    const value = field(name);
    return value !== null && /^\d+$/.test(value) ? Number(value) : null;
  };
  return {
    owner: field("owner"),
    token: field("token"),
    since: num("since"),
    mtime: num("mtime"),
    now: num("now") ?? 0,
  };
}

async function tryAcquire(session: HostSession, options: LockOptions): Promise<HeldBy | null> {
  const owner = options.owner.replace(/[\r\n]+/g, " ");
  const lock = options.lockPath;
  const result = await session.run(
    sh`mkdir -p -- ${dirname(lock)} && if mkdir -- ${lock} 2>/dev/null; then printf 'owner=%s\ntoken=%s\nsince=%s\n' ${owner} ${options.token} "$(date +%s)" > ${`${lock}/owner`} && echo acquired; else echo held; cat -- ${`${lock}/owner`} 2>/dev/null; echo "mtime=$(stat -c %Y -- ${lock} 2>/dev/null)"; echo "now=$(date +%s)"; fi`,
    "Taking the deploy lock",
  );
  const stdout = result.stdout.toString("utf8");
  if (/^acquired$/m.test(stdout)) return null;
  return parseHeld(stdout);
}

async function breakStale(
  session: HostSession,
  lockPath: string,
  held: HeldBy,
  token: string,
): Promise<void> {
  const aside = `${lockPath}.stale-${token}`;
  // Only move the lock we judged stale: if its token changed meanwhile, someone else took it.
  const guard =
    held.token === null
      ? sh`[ ! -e ${`${lockPath}/owner`} ]`
      : sh`grep -qxF -- ${`token=${held.token}`} ${`${lockPath}/owner`}`;
  await session.run(
    sh`if ${guard}; then mv -- ${lockPath} ${aside} && rm -rf -- ${aside}; fi`,
    "Breaking a stale lock",
  );
}

export async function acquireHostLock(session: HostSession, options: LockOptions): Promise<HostLock> {
  let brokeStaleLock: string | null = null;
  let held = await tryAcquire(session, options);
  if (held) {
    const since = held.since ?? held.mtime;
    const age = since === null ? null : held.now - since;
    if (age !== null && age >= options.staleAfterSeconds) {
      brokeStaleLock = held.owner ?? "(no owner file)";
      session.logger.warn(
        { host: session.label, lock: options.lockPath, owner: held.owner, age },
        "breaking a stale lock",
      );
      await breakStale(session, options.lockPath, held, options.token);
      held = await tryAcquire(session, options);
    }
  }
  if (held) {
    const since = held.since ?? held.mtime;
    const when = since === null ? "an unknown time" : new Date(since * 1000).toISOString();
    throw new TransientError(
      `${session.label} is locked by ${held.owner ?? "an unknown owner"} since ${when} (lock ${options.lockPath}); another deploy is running. The lock is considered stale after ${options.staleAfterSeconds} s.`,
    );
  }
  return {
    brokeStaleLock,
    release: async () => {
      await session.run(
        sh`if grep -qxF -- ${`token=${options.token}`} ${`${options.lockPath}/owner`} 2>/dev/null; then rm -rf -- ${options.lockPath}; fi`,
        "Releasing the deploy lock",
      );
    },
  };
}
