-- The warm-up ledger: one row per sending IP per local day. The calendar reads the verdicts; the
-- gates write them from the counters (PowerMTA accounting records, blocklist and DNS checks).
CREATE TABLE warmup_ledger (
  ip          text        NOT NULL,
  day         date        NOT NULL,
  quota       integer     NOT NULL DEFAULT 0 CHECK (quota >= 0),
  sent        integer     NOT NULL DEFAULT 0 CHECK (sent >= 0),
  bounced     integer     NOT NULL DEFAULT 0 CHECK (bounced >= 0),
  complained  integer     NOT NULL DEFAULT 0 CHECK (complained >= 0),
  deferred    integer     NOT NULL DEFAULT 0 CHECK (deferred >= 0),
  listed      boolean     NOT NULL DEFAULT false,
  verdict     text        CHECK (verdict IN ('advance', 'hold', 'stepback', 'pause')),
  reason      text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ip, day)
);

CREATE INDEX warmup_ledger_day ON warmup_ledger (day);
