// The two store backends every store-level suite runs on: PGlite in-process and the machine's
// PostgreSQL, each test in a schema of its own, closed (and dropped) after the test.
import { afterEach } from "vitest";
import type { Store } from "../../reconciler/store/index.ts";
import { openStore } from "../../reconciler/store/index.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "./postgres.ts";

export interface Backend {
  readonly name: string;
  open(): Promise<Store>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a cleanup that runs after the current test (in reverse order of registration). */
export function afterThisTest(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

export const BACKENDS: readonly Backend[] = [
  {
    name: "PGlite",
    async open() {
      const store = await openStore({ dataDir: undefined, schema: uniqueSchema() });
      cleanups.push(() => store.close());
      return store;
    },
  },
  {
    name: "PostgreSQL",
    async open() {
      const schema = uniqueSchema();
      const store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema });
      cleanups.push(() => dropSchema(schema));
      cleanups.push(() => dropSchema(`${schema}_jobs`));
      cleanups.push(() => store.close());
      return store;
    },
  },
];
