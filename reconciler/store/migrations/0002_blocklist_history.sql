-- Blocklist monitoring. blocklist_checks keeps every answer (ok, listed, or error = could not check);
-- blocklist_listings keeps one row per listing episode, so a listing's start and end are known: an
-- episode opens on the first "listed" answer and closes on the first later "ok" (never on "error").
CREATE TABLE blocklist_checks (
  subject     text        NOT NULL,
  list        text        NOT NULL,
  checked_at  timestamptz NOT NULL,
  status      text        NOT NULL CHECK (status IN ('ok', 'listed', 'error')),
  codes       text        NOT NULL DEFAULT '',
  severity    text        CHECK (severity IN ('pause', 'hold', 'info')),
  detail      text        NOT NULL DEFAULT '',
  PRIMARY KEY (subject, list, checked_at)
);

CREATE INDEX blocklist_checks_time ON blocklist_checks (checked_at);

CREATE TABLE blocklist_listings (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject       text        NOT NULL,
  list          text        NOT NULL,
  started_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  ended_at      timestamptz,
  codes         text        NOT NULL,
  severity      text        CHECK (severity IN ('pause', 'hold', 'info')),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);

-- At most one open episode per subject and list.
CREATE UNIQUE INDEX blocklist_listings_open ON blocklist_listings (subject, list) WHERE ended_at IS NULL;
CREATE INDEX blocklist_listings_subject ON blocklist_listings (subject, started_at);
