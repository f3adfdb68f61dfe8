// Header names → MailWizz tags: the standard fields by their usual names in English and French (any
// case, accents, spaces, dashes or underscores), every other column a custom field by its upper-cased
// name.

export type StandardField = "email" | "fname" | "lname" | "country" | "company";

export interface Column {
  /** 0-based position in the row. */
  readonly index: number;
  readonly header: string;
  /** A standard field, or a custom field's MailWizz tag. */
  readonly target: { readonly standard: StandardField } | { readonly tag: string };
}

const ALIASES: Readonly<Record<StandardField, readonly string[]>> = {
  email: [
    "email",
    "e_mail",
    "mail",
    "email_address",
    "e_mail_address",
    "emailaddress",
    "courriel",
    "adresse_email",
    "adresse_e_mail",
    "adresse_mail",
  ],
  fname: ["first_name", "firstname", "fname", "given_name", "prenom", "vorname"],
  lname: ["last_name", "lastname", "lname", "surname", "family_name", "nom", "nom_de_famille", "nachname"],
  country: ["country", "country_code", "pays", "land"],
  company: ["company", "company_name", "organization", "organisation", "societe", "entreprise", "firma"],
};

const STANDARD_TAGS: Readonly<Record<StandardField, string>> = {
  email: "EMAIL",
  fname: "FNAME",
  lname: "LNAME",
  country: "COUNTRY",
  company: "COMPANY",
};

/** "Prénom " → "prenom", "E-Mail Address" → "e_mail_address". */
export function headerKey(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, "_")
    .replace(/^_|_$/g, "");
}

function standardOf(key: string): StandardField | undefined {
  for (const [field, aliases] of Object.entries(ALIASES) as [StandardField, readonly string[]][])
    if (aliases.includes(key) || key === STANDARD_TAGS[field].toLowerCase()) return field;
  return undefined;
}

export type HeaderResult =
  | { readonly ok: true; readonly columns: readonly Column[] }
  | { readonly ok: false; readonly problem: string; readonly fix: string };

export function mapHeader(headers: readonly string[]): HeaderResult {
  const columns: Column[] = [];
  const seen = new Map<string, string>();
  for (const [index, header] of headers.entries()) {
    const key = headerKey(header);
    if (key === "") continue; // An unnamed column (often a trailing separator) carries nothing we can name.
    const standard = standardOf(key);
    const tag = standard
      ? STANDARD_TAGS[standard]
      : key
          .toUpperCase()
          .replace(/[^A-Z0-9_]/g, "")
          .slice(0, 50);
    if (tag === "") continue;
    const previous = seen.get(tag);
    if (previous !== undefined)
      return {
        ok: false,
        problem: `columns ${JSON.stringify(previous)} and ${JSON.stringify(header)} both map to ${tag}`,
        fix: "rename or remove one of them",
      };
    seen.set(tag, header);
    columns.push({ index, header, target: standard ? { standard } : { tag } });
  }
  if (!columns.some((c) => "standard" in c.target && c.target.standard === "email"))
    return {
      ok: false,
      problem: `no EMAIL column (columns: ${headers.map((h) => JSON.stringify(h)).join(", ")})`,
      fix: `name the address column one of: ${ALIASES.email.join(", ")}`,
    };
  return { ok: true, columns };
}
