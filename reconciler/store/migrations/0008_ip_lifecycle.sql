-- The IP lifecycle's durable memory: what the gates, the blocklist monitor and operators' commands did
-- to an IP and until when (pause with an automatic resume time, quarantine and its release, listed and
-- delisted, a standby promoted by an operator: who and why). The inventory says what operators want;
-- these rows say what happened. `ip` is the inventory's IP key (address, or slot before allocation).
--
-- Kinds read by reconciler/lifecycle (other kinds are kept but ignored):
--   pause, quarantine         the gates (until = automatic resume / release)
--   resume, release           a pause or quarantine ended (at its until, or early by an operator)
--   listed, delisted          an open blocklist listing appeared / every listing closed
--   promote, demote           an operator put a standby IP in service / back to standby
--   standby, resting, retiring, in-service   the inventory's `state:` as first seen by the daemon
CREATE TABLE ip_events (
  id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip      text        NOT NULL,
  at      timestamptz NOT NULL,
  kind    text        NOT NULL,
  -- When the state this event opened ends by itself (a pause's resume time, a quarantine's release).
  until   timestamptz,
  reason  text        NOT NULL,
  -- 'gates', 'blocklists', 'operator:<name>', 'migration', …
  actor   text        NOT NULL,
  -- The closed ledger day whose figures triggered a gate event: rolling windows count only later days,
  -- so the days that caused a pause do not pause the IP again when it resumes.
  day     date,
  -- For `listed`: 'pause' when a listing stops sending, 'hold' when it only holds the warm-up.
  severity text CHECK (severity IS NULL OR severity IN ('pause', 'hold')),
  CHECK (until IS NULL OR until >= at)
);

CREATE INDEX ip_events_ip ON ip_events (ip, at);
