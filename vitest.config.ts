import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on the CI machine: integration suites start real peers, so keep parallelism modest.
    maxWorkers: 2,
  },
});
