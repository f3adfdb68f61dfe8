// The step report of a deploy: every step is listed, in order, with Success, Error or NotExecuted and its
// duration, like a CI job's step list. Details and errors pass through the Redactor.
import type { Redactor } from "./log.ts";

export const DEPLOY_STEPS = [
  "lint",
  "connect",
  "lock",
  "read-live",
  "check-loaded",
  "backup",
  "upload-extra-files",
  "upload-config",
  "move-into-place",
  "test-config",
  "reload",
  "verify",
  "rollback",
  "unlock",
] as const;

export type DeployStepName = (typeof DEPLOY_STEPS)[number];
export type StepStatus = "Success" | "Error" | "NotExecuted";

export interface DeployStep {
  step: DeployStepName;
  status: StepStatus;
  durationMs: number;
  detail: string;
}

export interface DeployReport {
  /** True when the host ends in the desired state (applied, or already equal). */
  ok: boolean;
  /** The live host differed from the rendered config or files, so a change was attempted. */
  changed: boolean;
  /** The new config is live, reloaded and verified. */
  applied: boolean;
  /** A failure after the move put the previous config back. */
  rolledBack: boolean;
  /** Path of the backup taken by this deploy (null if none). */
  backupPath: string | null;
  error: string | null;
  steps: DeployStep[];
}

export class StepRecorder {
  readonly #steps = new Map<DeployStepName, DeployStep>(
    DEPLOY_STEPS.map((step) => [step, { step, status: "NotExecuted", durationMs: 0, detail: "" }]),
  );
  readonly #redactor: Redactor;
  readonly #now: () => number;

  constructor(redactor: Redactor, now: () => number) {
    this.#redactor = redactor;
    this.#now = now;
  }

  /** Run one step; its function returns the value and a one-line detail. Errors are recorded and rethrown. */
  async run<T>(step: DeployStepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const started = this.#now();
    const entry = this.#steps.get(step);
    if (!entry) throw new Error(`unknown step ${step}`);
    try {
      const { value, detail } = await fn();
      Object.assign(entry, {
        status: "Success",
        durationMs: this.#now() - started,
        detail: this.redact(detail),
      });
      return value;
    } catch (error) {
      Object.assign(entry, {
        status: "Error",
        durationMs: this.#now() - started,
        detail: this.message(error),
      });
      throw error;
    }
  }

  /** Mark a step that will not run, with the reason. */
  skip(step: DeployStepName, detail: string): void {
    const entry = this.#steps.get(step);
    if (entry && entry.status === "NotExecuted") entry.detail = this.redact(detail);
  }

  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  message(error: unknown): string {
    return this.redact(error instanceof Error ? error.message : String(error));
  }

  steps(): DeployStep[] {
    return DEPLOY_STEPS.map((step) => ({ ...(this.#steps.get(step) as DeployStep) }));
  }
}
