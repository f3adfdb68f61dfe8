-- The daemon's records: every reconcile run and its steps (the audit trail: when, which revision,
-- what changed, with what outcome), the current status of each target, and the objects email-engine
-- created on the systems it manages (only those may ever be deleted by it).
CREATE TABLE reconcile_runs (
  id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target              text        NOT NULL,
  trigger             text        NOT NULL,
  started_at          timestamptz NOT NULL,
  finished_at         timestamptz,
  attempted_revision  text,
  outcome             text        CHECK (outcome IN ('ok', 'stalled', 'transient', 'internal', 'skipped')),
  message             text        NOT NULL DEFAULT '',
  -- The plan's summary counts; NULL when the run ended before a plan existed.
  plan_create         integer     CHECK (plan_create >= 0),
  plan_update         integer     CHECK (plan_update >= 0),
  plan_delete         integer     CHECK (plan_delete >= 0),
  -- A run is open (no end, no outcome) or finished (both).
  CHECK ((finished_at IS NULL) = (outcome IS NULL)),
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);

CREATE INDEX reconcile_runs_started ON reconcile_runs (started_at DESC, id DESC);
CREATE INDEX reconcile_runs_target ON reconcile_runs (target, started_at DESC);

CREATE TABLE reconcile_steps (
  run_id       bigint  NOT NULL REFERENCES reconcile_runs (id) ON DELETE CASCADE,
  step_id      text    NOT NULL,
  system       text    NOT NULL,
  action       text    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  target       text    NOT NULL,
  status       text    NOT NULL CHECK (status IN ('Success', 'Error', 'NotExecuted')),
  duration_ms  integer NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
  detail       text    NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, step_id)
);

CREATE TABLE target_status (
  target                   text        PRIMARY KEY,
  state                    text        NOT NULL CHECK (state IN ('ready', 'stalled', 'suspended', 'progressing')),
  reason                   text        NOT NULL,
  message                  text        NOT NULL DEFAULT '',
  last_attempted_revision  text,
  last_applied_revision    text,
  last_attempt_at          timestamptz,
  last_success_at          timestamptz,
  next_run_at              timestamptz,
  validation_errors        jsonb       NOT NULL DEFAULT '[]'::jsonb,
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- One row per object lifetime: a deleted object keeps its row (deleted_at set), and a re-created one
-- gets a new row. At most one live row per object.
CREATE TABLE owned_objects (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  system          text        NOT NULL,
  kind            text        NOT NULL,
  name            text        NOT NULL,
  created_by_run  bigint      REFERENCES reconcile_runs (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL,
  deleted_at      timestamptz,
  CHECK (deleted_at IS NULL OR deleted_at >= created_at)
);

CREATE UNIQUE INDEX owned_objects_live ON owned_objects (system, kind, name) WHERE deleted_at IS NULL;
