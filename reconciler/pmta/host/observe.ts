// Observe a live PowerMTA host over SSH (issue 3 part 5): the live config text, `pmta --dom show status`,
// the live VMTAs, and accounting records since a stored cursor. Every read is bounded.
import { TransientError } from "../../errors.ts";
import { parseCsv, rowsToEvents, type AcctEvent } from "./accounting.ts";
import { readRemoteFile, sha256Hex } from "./files.ts";
import { sh } from "./quote.ts";
import type { HostSession } from "./session.ts";
import { parseStatus, parseVmtaNames, type PmtaStatus } from "./status.ts";

export interface LiveConfig {
  text: string | null;
  sha256: string | null;
  /** Compared with the desired text when one is given (byte for byte). */
  equalsDesired: boolean | null;
}

export async function readLiveConfig(
  session: HostSession,
  configPath: string,
  desired?: string,
  maxBytes = 8 * 1024 * 1024,
): Promise<LiveConfig> {
  const live = await readRemoteFile(session, configPath, maxBytes);
  return {
    text: live?.toString("utf8") ?? null,
    sha256: live ? sha256Hex(live) : null,
    equalsDesired: desired === undefined ? null : live !== null && live.equals(Buffer.from(desired)),
  };
}

export async function readStatus(session: HostSession): Promise<PmtaStatus> {
  const result = await session.run(sh`pmta --dom show status`, "pmta show status", {
    maxOutputBytes: 256 * 1024,
  });
  return parseStatus(result.stdout.toString("utf8"));
}

export async function readVmtas(session: HostSession): Promise<string[]> {
  const result = await session.run(sh`pmta --dom show vmtas`, "pmta show vmtas", {
    maxOutputBytes: 4 * 1024 * 1024,
  });
  return parseVmtaNames(result.stdout.toString("utf8"));
}

/** Where reading stopped. The inode follows a file through rotation (a rename keeps it). */
export interface AcctCursor {
  file: string;
  inode: number;
  offset: number;
}

export interface AcctReadOptions {
  /** Directory of the acct files, e.g. /var/log/pmta. */
  dir: string;
  /** File names `${prefix}*.csv`; default "acct". */
  prefix?: string;
  cursor: AcctCursor | null;
  /** Bound on the bytes read by this call (complete records only are consumed). */
  maxBytes: number;
}

export interface AcctReadResult {
  events: AcctEvent[];
  skipped: number;
  cursor: AcctCursor | null;
  bytesRead: number;
  /** More records are waiting: call again. */
  more: boolean;
  /** The cursor's file was gone (moved or deleted): reading restarted at the oldest file present. */
  lostCursor: boolean;
}

interface AcctFile {
  name: string;
  inode: number;
  size: number;
}

// Rotated files carry a date and sequence (acct-2016-05-29-0000.csv, §2) and are older than the live one.
const ROTATED = /-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/;

function orderKey(name: string): string {
  return `${ROTATED.test(name) ? 0 : 1}${name}`;
}

async function listAcctFiles(session: HostSession, dir: string, prefix: string): Promise<AcctFile[]> {
  const listed = await session.run(
    sh`[ ! -d ${dir} ] || find ${dir} -maxdepth 1 -type f -name ${`${prefix}*.csv`} -printf '%f\t%i\t%s\n'`,
    "Listing accounting files",
    { maxOutputBytes: 1024 * 1024 },
  );
  const files: AcctFile[] = [];
  for (const line of listed.stdout.toString("utf8").split("\n")) {
    const [name, inode, size] = line.split("\t");
    if (name && inode && size) files.push({ name, inode: Number(inode), size: Number(size) });
  }
  return files.sort((a, b) => (orderKey(a.name) < orderKey(b.name) ? -1 : 1));
}

/** Read new accounting records since `cursor`, across rotations, at most `maxBytes` per call. */
export async function readAccountingSince(
  session: HostSession,
  options: AcctReadOptions,
): Promise<AcctReadResult> {
  const files = await listAcctFiles(session, options.dir, options.prefix ?? "acct");
  const result: AcctReadResult = {
    events: [],
    skipped: 0,
    cursor: options.cursor,
    bytesRead: 0,
    more: false,
    lostCursor: false,
  };
  if (files.length === 0) return result;
  let idx = 0;
  let offset = 0;
  if (options.cursor) {
    const cursor = options.cursor;
    const found = files.findIndex((f) => f.inode === cursor.inode);
    if (found >= 0) {
      idx = found;
      offset = (files[found] as AcctFile).size < cursor.offset ? 0 : cursor.offset; // truncated: start over
    } else result.lostCursor = true;
  }
  let budget = options.maxBytes;
  while (idx < files.length) {
    const file = files[idx] as AcctFile;
    if (offset >= file.size) {
      if (idx === files.length - 1) break;
      idx++;
      offset = 0;
      continue;
    }
    if (budget <= 0) break;
    const path = `${options.dir}/${file.name}`;
    const read = await session.exec(
      sh`[ "$(stat -c %i -- ${path})" = ${String(file.inode)} ] || exit 4; head -c 65536 -- ${path} | head -n 1; printf '\\000'; tail -c +${offset + 1} -- ${path} | head -c ${budget}`,
      { maxOutputBytes: budget + 70_000 },
    );
    if (read.code === 4) {
      result.more = true; // rotated between listing and reading: the next call sees the new layout
      break;
    }
    if (read.code !== 0)
      throw new TransientError(
        `Reading ${path} on ${session.label} failed: ${read.stderr.toString("utf8").trim()}`,
      );
    const nul = read.stdout.indexOf(0);
    const header = parseCsv(read.stdout.subarray(0, nul).toString("utf8"), true).rows[0] ?? [];
    const chunk = read.stdout.subarray(nul + 1);
    const lastNewline = chunk.lastIndexOf(0x0a);
    const text = chunk.subarray(0, lastNewline + 1).toString("utf8");
    const { rows, consumed } = parseCsv(text, false);
    const consumedBytes = Buffer.byteLength(text.slice(0, consumed));
    if (consumedBytes === 0) {
      if (chunk.length < budget) break; // only an unfinished last line: PowerMTA is still writing it
      if (budget === options.maxBytes) {
        throw new TransientError(`An accounting record in ${path} is longer than ${options.maxBytes} bytes`);
      }
      result.more = true; // the next record does not fit in what is left of this call's budget
      break;
    }
    const parsed = rowsToEvents(header, rows);
    result.events.push(...parsed.events);
    result.skipped += parsed.skipped;
    offset += consumedBytes;
    budget -= consumedBytes;
    result.bytesRead += consumedBytes;
  }
  const current = files[idx];
  if (current) {
    result.cursor = { file: current.name, inode: current.inode, offset };
    result.more ||= budget <= 0 && (offset < current.size || idx < files.length - 1);
  }
  return result;
}
