import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./tests/helpers/summary-reporter.ts";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    restoreMocks: true,
    reporters: ["default", new SummaryReporter()],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on the CI machine: integration suites start real peers, so keep parallelism modest.
    maxWorkers: 2,
  },
});
