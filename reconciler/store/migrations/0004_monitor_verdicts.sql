-- The deliverability monitors' verdicts per subject (sending IP or domain), per operators' local day
-- and per source. One row keeps the worst verdict of the day: a listing seen at 10:00 still counts
-- for that day after a clean check at 14:00 (the gates judge whole days). checked_at is when the kept
-- verdict was first seen that day (the "since" of status entries); last_checked_at is the latest
-- check of the day, whatever it found.
CREATE TABLE monitor_verdicts (
  subject          text        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('ip', 'domain')),
  day              date        NOT NULL,
  source           text        NOT NULL CHECK (source IN ('dns', 'blocklists')),
  verdict          text        NOT NULL CHECK (verdict IN ('pause', 'hold', 'clear')),
  reason           text        NOT NULL DEFAULT '',
  checked_at       timestamptz NOT NULL,
  last_checked_at  timestamptz NOT NULL,
  PRIMARY KEY (subject, day, source),
  CHECK (last_checked_at >= checked_at)
);

CREATE INDEX monitor_verdicts_day ON monitor_verdicts (day);
