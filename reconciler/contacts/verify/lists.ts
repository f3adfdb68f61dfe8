// Step 3a: what the domain and local part say without asking the network. Disposable domains come from
// mailchecker (maintained, MIT, also Reacher's source; its list ships inside the package). Role accounts
// and free-mail providers are small lists of our own: Reacher's role list is AGPL (deliverability.md
// §6.1), `free-email-domains` downloads its list at install time, which our installs forbid. The lists
// only need the big, common names: they flag, they do not decide deliverability.
import mailchecker from "mailchecker";

const disposable: Set<string> = mailchecker.blacklist();

/** True when the domain or a parent domain is on mailchecker's disposable list. */
export function isDisposable(domain: string): boolean {
  let current = domain;
  for (;;) {
    if (disposable.has(current)) return true;
    const dot = current.indexOf(".");
    if (dot < 0) return false;
    current = current.slice(dot + 1);
  }
}

// RFC 2142 mailboxes plus the functional inboxes businesses publish, in English and French (the
// tenants write to both markets). A role address reaches a shared inbox or nobody: risky for cold mail.
const ROLE_LOCAL_PARTS = new Set([
  "abuse",
  "accounting",
  "accounts",
  "admin",
  "administrator",
  "billing",
  "careers",
  "compliance",
  "contact",
  "contactus",
  "contact-us",
  "customerservice",
  "customer-service",
  "devnull",
  "dns",
  "donotreply",
  "do-not-reply",
  "enquiries",
  "enquiry",
  "feedback",
  "finance",
  "ftp",
  "hello",
  "help",
  "helpdesk",
  "hostmaster",
  "hr",
  "info",
  "information",
  "inquiries",
  "it",
  "jobs",
  "legal",
  "list",
  "mailer-daemon",
  "marketing",
  "media",
  "news",
  "newsletter",
  "noc",
  "noreply",
  "no-reply",
  "office",
  "orders",
  "postmaster",
  "press",
  "privacy",
  "reception",
  "recruitment",
  "root",
  "sales",
  "security",
  "service",
  "subscribe",
  "support",
  "sysadmin",
  "team",
  "unsubscribe",
  "usenet",
  "uucp",
  "webmaster",
  "www",
  // French
  "accueil",
  "commercial",
  "comptabilite",
  "direction",
  "recrutement",
  "rh",
  "secretariat",
  "service-client",
  "serviceclient",
]);

/** The local part, lower-cased and without a +tag, is a role mailbox. */
export function isRole(local: string): boolean {
  const plus = local.indexOf("+");
  const base = (plus < 0 ? local : local.slice(0, plus)).toLowerCase();
  return ROLE_LOCAL_PARTS.has(base);
}

// The big consumer providers of the markets served (FR, EU, US) and the largest worldwide. A B2B
// campaign wants to know an address is private mail; the same list is the target of typo suggestions.
export const FREE_MAIL_DOMAINS: readonly string[] = [
  "126.com",
  "163.com",
  "aol.com",
  "aol.fr",
  "att.net",
  "bbox.fr",
  "bellsouth.net",
  "btinternet.com",
  "comcast.net",
  "email.com",
  "free.fr",
  "gmail.com",
  "gmx.com",
  "gmx.de",
  "gmx.fr",
  "gmx.net",
  "googlemail.com",
  "hotmail.co.uk",
  "hotmail.com",
  "hotmail.de",
  "hotmail.es",
  "hotmail.fr",
  "hotmail.it",
  "icloud.com",
  "laposte.net",
  "libero.it",
  "live.co.uk",
  "live.com",
  "live.fr",
  "mac.com",
  "mail.com",
  "mail.ru",
  "me.com",
  "msn.com",
  "naver.com",
  "neuf.fr",
  "orange.fr",
  "outlook.com",
  "outlook.fr",
  "proton.me",
  "protonmail.com",
  "qq.com",
  "rocketmail.com",
  "sbcglobal.net",
  "sfr.fr",
  "t-online.de",
  "verizon.net",
  "virgilio.it",
  "wanadoo.fr",
  "web.de",
  "yahoo.co.uk",
  "yahoo.com",
  "yahoo.de",
  "yahoo.es",
  "yahoo.fr",
  "yahoo.it",
  "yandex.com",
  "yandex.ru",
  "ymail.com",
];

const freeMail = new Set(FREE_MAIL_DOMAINS);

export function isFreeMail(domain: string): boolean {
  return freeMail.has(domain);
}
