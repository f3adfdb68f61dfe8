// Firewall rules per server role (pure): open only what each role needs.
import type { Inventory } from "../reconciler/inventory/types.gen.ts";

export interface RuleSpec {
  readonly description: string;
  readonly protocol: "tcp" | "icmp";
  readonly port?: string;
  /** CIDRs, or `server:<name>` for another server's address (resolved when resources exist). */
  readonly sources: readonly string[];
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];

export function firewallRules(
  inventory: Inventory,
  role: "engine" | "mailwizz" | "pmta",
  ports: { pmtaSubmission: number; pmtaHttp: number },
): RuleSpec[] {
  const operators = inventory.platform.operatorCidrs ?? [];
  const serversWith = (r: string) =>
    Object.entries(inventory.servers)
      .filter(([, s]) => s?.role === r)
      .map(([name]) => `server:${name}`)
      .sort();
  const engine = serversWith("engine");
  const mailwizz = serversWith("mailwizz");
  const rules: RuleSpec[] = [{ description: "ping", protocol: "icmp", sources: ANYWHERE }];
  switch (role) {
    case "engine":
      rules.push({ description: "ssh from operators", protocol: "tcp", port: "22", sources: operators });
      break;
    case "mailwizz":
      // The engine reaches MailWizz's database through an SSH tunnel, so SSH is open to it too.
      rules.push(
        {
          description: "ssh from operators and the engine",
          protocol: "tcp",
          port: "22",
          sources: [...operators, ...engine],
        },
        {
          description: "http (certificate renewal, redirect)",
          protocol: "tcp",
          port: "80",
          sources: ANYWHERE,
        },
        {
          description: "https (MailWizz UI, API, tracking)",
          protocol: "tcp",
          port: "443",
          sources: ANYWHERE,
        },
      );
      break;
    case "pmta":
      rules.push(
        {
          description: "ssh from operators and the engine",
          protocol: "tcp",
          port: "22",
          sources: [...operators, ...engine],
        },
        {
          description: "smtp submission from MailWizz and the engine",
          protocol: "tcp",
          port: String(ports.pmtaSubmission),
          sources: [...mailwizz, ...engine],
        },
        {
          description: "PowerMTA http management from the engine",
          protocol: "tcp",
          port: String(ports.pmtaHttp),
          sources: engine,
        },
      );
      break;
    default: {
      const unknown: never = role;
      throw new Error(`unknown role ${String(unknown)}`);
    }
  }
  return rules.filter((r) => r.sources.length > 0);
}
