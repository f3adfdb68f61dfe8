-- Contacts received from the sibling tools' webhooks and the HTTP upload, before and after their import.
--
-- webhook_deliveries: one row per accepted delivery, keyed by a digest of (source, X-Delivery-Id) or
-- of (source, timestamp, signature, body), so a redelivery finds its row and is not imported twice.
-- `payload` holds the delivery's contacts only until the import stored them (then NULL): what stays
-- is what was received (source, tenant, list, count, when) and how the import went, never the
-- personal data beyond what the import itself keeps.
CREATE TABLE webhook_deliveries (
  id           text        PRIMARY KEY,
  source       text        NOT NULL,
  -- The sender's own label of where it found the contacts (the payload's `source`, e.g. google-maps).
  label        text        NOT NULL,
  -- The sender's X-Delivery-Id, when it gave one.
  external_id  text,
  body_sha256  text        NOT NULL,
  tenant       text        NOT NULL,
  list         text        NOT NULL,
  contacts     integer     NOT NULL,
  collected_at timestamptz NOT NULL,
  legal_basis  text        NOT NULL,
  received_at  timestamptz NOT NULL,
  -- received (stored, not yet queued) → queued → done | failed
  state        text        NOT NULL,
  job_id       text,
  attempts     integer     NOT NULL DEFAULT 0,
  -- The import's counts (accepted, invalid by reason, duplicates, suppressed, errors, pushed).
  report       jsonb,
  error        text,
  payload      jsonb,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (source, received_at);

-- contact_uploads: CSV files posted to POST /api/v1/contacts/imports, spooled to a file and imported
-- by a queued job. The rows themselves live in the spool file until the import ends (then it is
-- deleted); the import's report is the pipeline's own, under the same import id.
CREATE TABLE contact_uploads (
  id          text        PRIMARY KEY,
  tenant      text        NOT NULL,
  list        text        NOT NULL,
  name        text        NOT NULL,
  bytes       bigint      NOT NULL,
  spool_path  text        NOT NULL,
  -- Provenance given with the upload (query parameters), kept with every contact it brings.
  collected_at timestamptz NOT NULL,
  legal_basis text        NOT NULL,
  received_at timestamptz NOT NULL,
  -- queued → done | failed
  state       text        NOT NULL,
  job_id      text,
  attempts    integer     NOT NULL DEFAULT 0,
  error       text,
  updated_at  timestamptz NOT NULL
);
