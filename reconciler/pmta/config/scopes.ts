// The blocks of a PowerMTA config and how they nest (reference/powermta.md §1.2).
export const BLOCK_SCOPES = [
  "global",
  "source",
  "smtp-user",
  "source-group",
  "domain",
  "virtual-mta",
  "virtual-mta-pool",
  "pattern-list",
  "smtp-pattern-list",
  "acct-file",
  "spool",
  "smtp-listener",
  "bounce-processor",
  "feedback-loop-processor",
  "address-list",
  "rewrite-list",
  "domain-key-list",
  "dns",
  "proxy",
  "vault",
  "transmissions-api",
  "bounce-category-patterns",
  "mx-rollup-list",
] as const;
export type Scope = (typeof BLOCK_SCOPES)[number];

export function isScope(name: string): name is Scope {
  return (BLOCK_SCOPES as readonly string[]).includes(name) && name !== "global";
}

/** Blocks allowed inside each scope; every other block is top-level only [V UG §3.3]. */
export const NESTED_BLOCKS: Partial<Record<Scope, readonly Scope[]>> = {
  global: BLOCK_SCOPES.filter((s) => s !== "global" && s !== "address-list"),
  "virtual-mta": ["domain"],
  "virtual-mta-pool": ["domain"],
  "pattern-list": ["pattern-list"],
  "bounce-processor": ["address-list"],
  "feedback-loop-processor": ["address-list"],
};

/** Scopes whose body is not `directive value` lines but entries the linter checks on their own. */
export const FREE_FORM_SCOPES: readonly Scope[] = [
  "smtp-pattern-list",
  "pattern-list",
  "bounce-category-patterns",
  "mx-rollup-list",
  "address-list",
  "rewrite-list",
  "domain-key-list",
  "dns",
  "proxy",
  "vault",
  "transmissions-api",
  "source-group",
  "bounce-processor",
  "feedback-loop-processor",
];
