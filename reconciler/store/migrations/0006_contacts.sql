-- Contacts imported into tenants' lists, the suppression list and the imports with their row errors.
-- Addresses are matched by email_hash (sha256 of the normalized, lower-cased address) so that the
-- suppression list can keep honouring an erased address without holding the address itself.

CREATE TABLE contacts (
  tenant text NOT NULL,
  list text NOT NULL,
  email_hash text NOT NULL,
  email text NOT NULL,
  fname text NOT NULL DEFAULT '',
  lname text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT '',
  company text NOT NULL DEFAULT '',
  fields jsonb NOT NULL DEFAULT '{}',
  -- The validator's verdict when the contact was accepted.
  status text NOT NULL,
  reason text NOT NULL,
  -- Provenance (GDPR Art. 14, CNIL): where, when and on what basis it was collected.
  source text NOT NULL,
  collected_at timestamptz NOT NULL,
  legal_basis text NOT NULL,
  import_id text NOT NULL,
  -- The source line (or position) the contact came from in its import: tells a resumed import's own
  -- rows from duplicates later in the same file.
  line bigint NOT NULL,
  added_at timestamptz NOT NULL,
  pushed_at timestamptz,
  subscriber_uid text,
  push_error text,
  PRIMARY KEY (tenant, list, email_hash)
);
CREATE INDEX contacts_by_hash ON contacts (email_hash);
CREATE INDEX contacts_by_import ON contacts (import_id, email_hash);

-- scope '*' applies to every tenant (hard bounces, erasure); otherwise the tenant whose lists it covers
-- (complaints and unsubscribes apply to all lists of that advertiser).
CREATE TABLE suppression (
  email_hash text NOT NULL,
  scope text NOT NULL,
  reason text NOT NULL,
  source text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (email_hash, scope)
);

CREATE TABLE contact_imports (
  import_id text PRIMARY KEY,
  tenant text NOT NULL,
  list text NOT NULL,
  source text NOT NULL,
  collected_at timestamptz NOT NULL,
  legal_basis text NOT NULL,
  -- reading: rows being stored; pushing: every row stored, the push to MailWizz not finished; done.
  phase text NOT NULL,
  state text NOT NULL,
  rows bigint NOT NULL DEFAULT 0,
  accepted bigint NOT NULL DEFAULT 0,
  invalid jsonb NOT NULL DEFAULT '{}',
  duplicates bigint NOT NULL DEFAULT 0,
  suppressed bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  message text NOT NULL DEFAULT '',
  started_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Rows of an import that were not stored: unreadable rows (kind error) and validator refusals
-- (kind invalid), downloadable as CSV.
CREATE TABLE contact_import_errors (
  import_id text NOT NULL,
  line bigint NOT NULL,
  kind text NOT NULL,
  email text NOT NULL,
  email_hash text NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL DEFAULT '',
  PRIMARY KEY (import_id, line)
);
CREATE INDEX contact_import_errors_by_hash ON contact_import_errors (email_hash);
