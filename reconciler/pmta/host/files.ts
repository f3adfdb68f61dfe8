// Remote file operations used by the deploy. Content always travels on stdin, never in argv. A file is
// replaced in three round trips: write a temp file in the same directory, check its hash HERE (a dropped
// connection gives `cat` an EOF, so a truncated temp file looks like a finished one to the remote side),
// then chmod + fsync + rename. The rename is atomic: readers see the old file or the new one, never half.
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { TransientError } from "../../errors.ts";
import { joinCommands, sh } from "./quote.ts";
import type { HostSession } from "./session.ts";

export function sha256Hex(content: Buffer | string): string {
  return createHash("sha256").update(content).digest("hex");
}

export interface RemoteFileState {
  exists: boolean;
  /** Octal permission bits as `stat -c %a` prints them, e.g. "600". */
  mode: string | null;
  sha256: string | null;
}

/** Existence, mode and content hash of a remote file (the content itself stays on the host). */
export async function remoteFileState(session: HostSession, path: string): Promise<RemoteFileState> {
  const result = await session.run(
    sh`if [ -f ${path} ]; then stat -c %a -- ${path} && sha256sum < ${path}; else echo absent; fi`,
    `Inspecting ${path}`,
  );
  const [first, second] = result.stdout.toString("utf8").split("\n");
  if (first === "absent") return { exists: false, mode: null, sha256: null };
  const hash = /^([0-9a-f]{64})\b/.exec(second ?? "")?.[1];
  if (!first || !hash) throw new TransientError(`Unexpected answer inspecting ${path} on ${session.label}`);
  return { exists: true, mode: first.trim(), sha256: hash };
}

/** The content of a remote file, or null when it does not exist. Bounded by maxBytes. */
export async function readRemoteFile(
  session: HostSession,
  path: string,
  maxBytes: number,
): Promise<Buffer | null> {
  const result = await session.exec(sh`[ -e ${path} ] || exit 3; cat -- ${path}`, {
    maxOutputBytes: maxBytes,
  });
  if (result.code === 3) return null;
  if (result.code !== 0) {
    throw new TransientError(
      `Reading ${path} on ${session.label} failed: ${result.stderr.toString("utf8").trim()}`,
    );
  }
  return result.stdout;
}

export function tempPathFor(path: string, token: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${token}`);
}

export interface UploadOptions {
  path: string;
  content: Buffer | string;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  /** chown argument, e.g. "pmta:pmta" (so the pmta user can read its 0600 DKIM keys). */
  owner?: string;
  token: string;
  onChunk?: (sent: number, total: number) => void;
}

export interface PreparedUpload {
  tmp: string;
  path: string;
  mode: number;
  owner?: string;
}

/**
 * Write the content to a temp file beside `path` and check here that it arrived whole (the remote side
 * prints the hash of what it received). Nothing is moved: that is a separate command.
 */
export async function uploadTemp(session: HostSession, options: UploadOptions): Promise<PreparedUpload> {
  const tmp = tempPathFor(options.path, options.token);
  const content = Buffer.from(options.content);
  const result = await session.run(
    sh`mkdir -p -- ${dirname(options.path)} && umask 077 && cat > ${tmp} && sha256sum < ${tmp}`,
    `Uploading ${options.path}`,
    { stdin: content, ...(options.onChunk ? { onStdinChunk: options.onChunk } : {}) },
  );
  const remote = /^([0-9a-f]{64})\b/.exec(result.stdout.toString("utf8"))?.[1];
  if (remote !== sha256Hex(content)) {
    throw new TransientError(
      `The upload of ${options.path} to ${session.label} is incomplete (hash mismatch)`,
    );
  }
  return { tmp, path: options.path, mode: options.mode, ...(options.owner ? { owner: options.owner } : {}) };
}

/** Set mode (and owner), fsync, atomically rename into place, fsync the directory. */
export async function moveIntoPlace(session: HostSession, upload: PreparedUpload): Promise<void> {
  const { tmp, path } = upload;
  const chown = upload.owner ? sh` && chown -- ${upload.owner} ${tmp}` : sh``;
  await session.run(
    sh`chmod ${upload.mode.toString(8)} ${tmp}${chown} && sync -- ${tmp} && mv -f -- ${tmp} ${path} && { sync -- ${dirname(path)} 2>/dev/null || true; }`,
    `Moving ${path} into place`,
  );
}

/** Copy `from` to `to` keeping mode and owner, through a temp file so `to` is replaced atomically. */
export async function restoreCopy(
  session: HostSession,
  from: string,
  to: string,
  token: string,
): Promise<void> {
  const tmp = tempPathFor(to, `restore-${token}`);
  await session.run(
    sh`cp -p -- ${from} ${tmp} && sync -- ${tmp} && mv -f -- ${tmp} ${to}`,
    `Restoring ${to} from ${from}`,
  );
}

/**
 * Remove leftovers of earlier (crashed or disconnected) deploys beside each path: temp uploads and the
 * `.prev-*` copies kept for a rollback (they may hold secrets; the deploy that made them is gone).
 */
export async function removeTempFiles(session: HostSession, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const commands = paths.map(
    (path) =>
      sh`{ [ ! -d ${dirname(path)} ] || find ${dirname(path)} -maxdepth 1 -type f \\( -name ${`.${basename(path)}.tmp-*`} -o -name ${`${basename(path)}.prev-*`} \\) -delete; }`,
  );
  await session.run(joinCommands("&&", commands), "Removing leftover temp files");
}
