// Step 3b: a likely typo of a big provider (gmial.com → gmail.com). @zootools/email-spell-checker
// proposes a domain from our provider list; we keep its proposal only when it is one or two edits away
// and about as long, because on its own it maps unrelated business domains onto short providers
// (acme.com → me.com). The result is a suggestion for a person, never applied to the address.
import spellChecker from "@zootools/email-spell-checker";
import { FREE_MAIL_DOMAINS, isFreeMail } from "./lists.ts";

// Short domains are close to many others (nx.com is two edits from me.com): one edit below ten octets.
const maxEdits = (domain: string) => (domain.length >= 10 ? 2 : 1);

/** The provider domain the user probably meant, or undefined. */
export function typoSuggestion(domain: string): string | undefined {
  if (isFreeMail(domain)) return undefined;
  const proposal = spellChecker.run({ email: `x@${domain}`, domains: [...FREE_MAIL_DOMAINS] })?.domain;
  if (proposal === undefined || proposal === domain || !isFreeMail(proposal)) return undefined;
  if (Math.abs(proposal.length - domain.length) > 1) return undefined;
  return editDistance(domain, proposal) <= maxEdits(domain) ? proposal : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}
