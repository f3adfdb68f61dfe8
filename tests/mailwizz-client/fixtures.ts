// Shared inputs for the MailWizz client tests.
import type { ListInput } from "../../reconciler/mailwizz/client/index.ts";

export const listInput = (name: string): ListInput => ({
  name,
  description: "Warm-up list",
  optIn: "single",
  fromName: "Acme",
  fromEmail: "news@acme.example",
  replyTo: "reply@acme.example",
  company: {
    name: "Acme GmbH",
    country: "Germany",
    address1: "Hauptstr. 1",
    city: "Berlin",
    zipCode: "10115",
  },
});
