// Stable integer ids for the old v1 API (its clients address IPs, domains and plans by id). The old
// engine's ids come from `migrate from-legacy` (table legacy_ids); anything it never had gets the next
// id above every id of its kind, assigned once and kept, in key order so the same inventory always
// gets the same ids.
import type { SqlQuerier } from "../store/sql.ts";

export type LegacyKind = "ip" | "domain" | "plan";

export async function legacyIds(
  db: SqlQuerier,
  kind: LegacyKind,
  keys: readonly string[],
): Promise<Map<string, number>> {
  const wanted = [...new Set(keys)].sort();
  const read = async () =>
    new Map(
      (
        await db.query<{ key: string; id: number }>(
          "SELECT key, id FROM legacy_ids WHERE kind = $1 AND key = ANY($2::text[])",
          [kind, wanted],
        )
      ).map((r) => [r.key, Number(r.id)]),
    );
  let ids = await read();
  // Two daemons may assign at once: a lost race (same id taken) is skipped by ON CONFLICT and tried again.
  for (let attempt = 0; attempt < 5 && ids.size < wanted.length; attempt++) {
    const missing = wanted.filter((key) => !ids.has(key));
    await db.query(
      `INSERT INTO legacy_ids (kind, key, id)
       SELECT $1, m.key, (SELECT COALESCE(max(id), 0) FROM legacy_ids WHERE kind = $1) + m.n
         FROM unnest($2::text[]) WITH ORDINALITY AS m(key, n)
       ON CONFLICT DO NOTHING`,
      [kind, missing],
    );
    ids = await read();
  }
  return ids;
}

/** The key of the id, or undefined. */
export async function keyOfId(db: SqlQuerier, kind: LegacyKind, id: number): Promise<string | undefined> {
  const rows = await db.query<{ key: string }>("SELECT key FROM legacy_ids WHERE kind = $1 AND id = $2", [
    kind,
    id,
  ]);
  return rows[0]?.key;
}
