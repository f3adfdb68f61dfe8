-- `email-engine migrate from-legacy`: what it was run against and what it could not carry over.
-- legacy_migrations: one row per old database (its host, port and name; never a user or password). The
-- cutover day is kept so that a re-run on a later day rebuilds exactly the same warm-up windows instead
-- of shifting them (a re-run must change nothing).
CREATE TABLE legacy_migrations (
  source        text        PRIMARY KEY,
  cutover       date        NOT NULL,
  first_run_at  timestamptz NOT NULL
);

-- Rows of the old database that were not migrated, with why: reported by the command and kept here so
-- nothing is dropped silently. Keyed by (source, table, id): a re-run updates nothing when the reason
-- is unchanged.
CREATE TABLE legacy_unmapped (
  source        text    NOT NULL REFERENCES legacy_migrations (source),
  source_table  text    NOT NULL,
  source_id     text    NOT NULL,
  reason        text    NOT NULL,
  PRIMARY KEY (source, source_table, source_id)
);
