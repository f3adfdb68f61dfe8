-- The old engine's integer ids, kept for the scripts and sibling tools that address its v1 API by id.
-- kind: 'ip' (key: the IP address), 'domain' (key: the domain name), 'plan' (key: the IP address of the
-- plan's IP). `email-engine migrate from-legacy` writes the old ids; the v1 API assigns new ones (above
-- every migrated id) the first time it lists something the old engine never had.
CREATE TABLE legacy_ids (
  kind text NOT NULL CHECK (kind IN ('ip', 'domain', 'plan')),
  key text NOT NULL,
  id integer NOT NULL CHECK (id > 0),
  PRIMARY KEY (kind, key),
  UNIQUE (kind, id)
);

-- What the PowerMTA accounting pipes posted to /api/v1/webhooks/pmta-*. `counted` says whether the
-- event was added to the warm-up ledger: only for the servers `api.pmta.ledger` names, whose accounting
-- files are then read but not counted, so every record reaches the ledger by exactly one path.
CREATE TABLE pmta_webhook_events (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at  timestamptz NOT NULL,
  kind         text        NOT NULL CHECK (kind IN ('bounce', 'delivery')),
  peer         text        NOT NULL,
  -- The PowerMTA server and sending IP the event was attributed to (null: could not tell).
  server       text,
  ip           text,
  day          date,
  email        text,
  domain       text,
  bounce_type  text        CHECK (bounce_type IN ('hard', 'soft', 'complaint')),
  count        integer     NOT NULL DEFAULT 1 CHECK (count >= 1),
  counted      boolean     NOT NULL
);

CREATE INDEX pmta_webhook_events_time ON pmta_webhook_events (received_at);

-- Feedback to Scraper-Pro that ran out of retries: kept until an operator retries it
-- (`email-engine siblings feedback retry ID`), independent of how long the job queue keeps failed jobs.
CREATE TABLE feedback_failures (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id        text        NOT NULL UNIQUE,
  kind          text        NOT NULL CHECK (kind IN ('bounce', 'delivery')),
  payload       jsonb       NOT NULL,
  attempts      integer     NOT NULL CHECK (attempts >= 1),
  last_error    text        NOT NULL,
  failed_at     timestamptz NOT NULL,
  retried_at    timestamptz,
  retry_job_id  text
);
