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
