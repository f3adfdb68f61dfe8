// MailWizz REST API client (reference/mailwizz-api.md): got, 2.x key or 1.x signed auth, PHP-bracket
// forms, base64 content, typed errors, paging, timeouts and bounded retries.
export { MailwizzClient } from "./client.ts";
export type { MailwizzClientOptions } from "./client.ts";
export type { MailwizzAuth } from "./auth.ts";
export { authHeaders, signatureString } from "./auth.ts";
export { encodeForm, phpUrlencode } from "./form.ts";
export type { FormParams, FormValue } from "./form.ts";
export {
  MailwizzApiError,
  MailwizzAuthError,
  MailwizzNotFoundError,
  MailwizzProtocolError,
  MailwizzRefusedError,
  MailwizzUnavailableError,
  MailwizzValidationError,
  flattenErrors,
} from "./errors.ts";
export type { FieldError } from "./errors.ts";
export { missingRequiredTags, formatSendAt } from "./content.ts";
export type { MailwizzLogEvent } from "./transport.ts";
export type { ListInput, ListCompanyInput, ListUpdate } from "./lists.ts";
export type { SubscriberInput, SubscriberUpdate } from "./subscribers.ts";
export type { TemplateInput } from "./templates.ts";
export type { CampaignInput, CampaignTemplateInput } from "./campaigns.ts";
export type * from "./types.ts";
