// What a MailWizz install has now: the delivery servers (through the store: the API cannot show system
// servers) and, per tenant through its API key, the lists and templates (with their content).
import type { MailwizzClient } from "../client/index.ts";
import type { ObservedDeliveryServer } from "../delivery-servers/index.ts";
import type { ObservedList, ObservedTemplate } from "../reconcile/index.ts";
import type { MailwizzTarget } from "./types.ts";

export interface ObservedMailwizz {
  readonly deliveryServers: readonly ObservedDeliveryServer[];
  /** By tenant name; every tenant of the target has an entry. */
  readonly lists: ReadonlyMap<string, readonly ObservedList[]>;
  readonly templates: ReadonlyMap<string, readonly ObservedTemplate[]>;
}

export async function observeMailwizz(target: MailwizzTarget): Promise<ObservedMailwizz> {
  const deliveryServers = await target.deliveryServers.list();
  const lists = new Map<string, ObservedList[]>();
  const templates = new Map<string, ObservedTemplate[]>();
  for (const [tenant, { client }] of target.tenants) {
    lists.set(tenant, await observeLists(client));
    templates.set(tenant, await observeTemplates(client));
  }
  return { deliveryServers, lists, templates };
}

async function observeLists(client: MailwizzClient): Promise<ObservedList[]> {
  return (await client.lists.list())
    .map((l) => ({
      listUid: l.uid,
      name: l.name,
      description: l.description,
      fromName: l.fromName,
      fromEmail: l.fromEmail,
      replyTo: l.replyTo,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.listUid < b.listUid ? -1 : 1));
}

// The index has names only; each template's content is one more GET (MailWizz has no bulk read).
async function observeTemplates(client: MailwizzClient): Promise<ObservedTemplate[]> {
  const out: ObservedTemplate[] = [];
  for (const { uid, name } of await client.templates.list()) {
    const template = await client.templates.get(uid);
    // Gone between the index and the read: not there any more.
    if (template) out.push({ templateUid: uid, name, content: template.content });
  }
  return out.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.templateUid < b.templateUid ? -1 : 1,
  );
}
