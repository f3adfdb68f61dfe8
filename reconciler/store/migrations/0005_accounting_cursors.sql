-- Where the reading of each PowerMTA host's accounting files stopped. Updated in the same transaction
-- as the ledger counters the records were added to, so a record is counted once even if the engine
-- dies between reading and recording.
CREATE TABLE accounting_cursors (
  host        text        PRIMARY KEY,
  cursor      jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
