// Email templates (reference §3.5). Content is sent base64-encoded (MailWizz strips tags otherwise).
import { base64 } from "./content.ts";
import { MailwizzNotFoundError, MailwizzProtocolError } from "./errors.ts";
import { collect } from "./paging.ts";
import type { Transport } from "./transport.ts";
import type { Template } from "./types.ts";
import { obj, text } from "./types.ts";

export interface TemplateInput {
  readonly name: string;
  readonly content: string;
}

export class Templates {
  constructor(private readonly transport: Transport) {}

  async create(input: TemplateInput): Promise<string> {
    const envelope = await this.transport.request({
      method: "POST",
      route: "templates",
      body: { template: { name: input.name, content: base64(input.content) } },
      retry: "unsafe",
    });
    const uid = text(envelope.template_uid);
    if (uid === "") throw new MailwizzProtocolError("MailWizz POST templates: no template_uid in the answer");
    return uid;
  }

  async update(templateUid: string, input: Partial<TemplateInput>): Promise<void> {
    await this.transport.request({
      method: "PUT",
      route: `templates/${templateUid}`,
      body: {
        template: {
          name: input.name,
          content: input.content === undefined ? undefined : base64(input.content),
        },
      },
      retry: "safe",
    });
  }

  async get(templateUid: string): Promise<Template | null> {
    try {
      const envelope = await this.transport.request({
        method: "GET",
        route: `templates/${templateUid}`,
        retry: "safe",
      });
      const r = obj(obj(envelope.data).record);
      return { uid: templateUid, name: text(r.name), content: text(r.content) };
    } catch (error) {
      if (error instanceof MailwizzNotFoundError) return null;
      throw error;
    }
  }

  /** Every template (uid and name only; MailWizz's index has no content), optionally by name substring. */
  async list(nameContains?: string): Promise<{ uid: string; name: string }[]> {
    return collect(
      this.transport,
      "templates",
      (raw) => ({ uid: text(obj(raw).template_uid), name: text(obj(raw).name) }),
      { filter: { name: nameContains } },
    );
  }
}
