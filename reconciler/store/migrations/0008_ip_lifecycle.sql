-- The IP lifecycle's durable memory: what the gates, the blocklist monitor and operators' commands did
-- to an IP and until when (pause with an automatic resume time, quarantine and its release, listed and
-- delisted, a standby promoted by an operator: who and why). The inventory says what operators want;
-- these rows say what happened. `ip` is the inventory's IP key (address, or slot before allocation).
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
  CHECK (until IS NULL OR until >= at)
);

CREATE INDEX ip_events_ip ON ip_events (ip, at);
