// TemplatesController (reference §3.5). Content travels base64-encoded and is stored decoded.
import type { Handler, RequestContext } from "./context.ts";
import { fail, ok, onlyPost, onlyPut, paged } from "./context.ts";
import { arr, str } from "./php.ts";
import { newUid } from "./store.ts";
import type { TemplateRow } from "./store.ts";

/** PHP base64_decode (non-strict): characters outside the alphabet are skipped. */
export function base64Decode(text: string): string {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("utf8");
}

const ZIP_ERROR = "Your archive does not seem to be a valid zip file.";

function templateOf(ctx: RequestContext): TemplateRow | undefined {
  const uid = ctx.params.template_uid ?? "";
  return ctx.store.templates.find((t) => t.template_uid === uid && t.customer_id === ctx.store.customerId);
}

export const createTemplate: Handler = (ctx) => {
  if (!ctx.isPost) return onlyPost;
  const input = arr(ctx.body, "template");
  // Zip archives are not modelled: any archive is refused the way a broken zip would be.
  if (str(input, "archive") !== "") return fail(422, ZIP_ERROR);
  const name = str(input, "name");
  const content = base64Decode(str(input, "content"));
  const errors: Record<string, string> = {};
  if (name === "") errors.name = "Name cannot be blank.";
  if (content.trim() === "") errors.content = "Content cannot be blank.";
  if (Object.keys(errors).length > 0) return fail(422, errors);
  const row: TemplateRow = {
    template_id: ctx.store.id(),
    template_uid: newUid(),
    customer_id: ctx.store.customerId,
    name,
    content,
  };
  ctx.store.templates.push(row);
  return ok({ template_uid: row.template_uid }, 201);
};

export const viewTemplate: Handler = (ctx) => {
  const t = templateOf(ctx);
  if (t === undefined) return fail(404, "The template does not exist.");
  return ok({ data: { record: { name: t.name, content: t.content, screenshot: null } } });
};

export const indexTemplates: Handler = (ctx) => {
  const filter = str(arr(ctx.query, "filter"), "name").toLowerCase();
  const rows = ctx.store.templates
    .filter((t) => t.customer_id === ctx.store.customerId && t.name.toLowerCase().includes(filter))
    .sort((a, b) => b.template_id - a.template_id);
  return paged(rows, ctx.query, (t) => ({ template_uid: t.template_uid, name: t.name, screenshot: null }));
};

export const updateTemplate: Handler = (ctx) => {
  if (!ctx.isPut) return onlyPut;
  const t = templateOf(ctx);
  if (t === undefined) return fail(404, "The template does not exist.");
  const input = arr(ctx.body, "template");
  if (str(input, "archive") !== "") return fail(422, ZIP_ERROR);
  const name = input?.name;
  const content = input?.content;
  if (name !== undefined && name === "") return fail(422, { name: "Name cannot be blank." });
  if (typeof content === "string" && base64Decode(content).trim() === "")
    return fail(422, { content: "Content cannot be blank." });
  if (typeof name === "string") t.name = name;
  if (typeof content === "string") t.content = base64Decode(content);
  return ok({});
};
