// Pure parts of the MailWizz client: PHP form encoding, the 1.x signature string, error flattening,
// content checks, send_at formatting.
import { describe, expect, it } from "vitest";
import { signatureString } from "../../reconciler/mailwizz/client/auth.ts";
import { formatSendAt, missingRequiredTags } from "../../reconciler/mailwizz/client/content.ts";
import { apiError, flattenErrors } from "../../reconciler/mailwizz/client/errors.ts";
import {
  MailwizzAuthError,
  MailwizzNotFoundError,
  MailwizzProtocolError,
  MailwizzUnavailableError,
  MailwizzValidationError,
} from "../../reconciler/mailwizz/client/errors.ts";
import { encodeForm } from "../../reconciler/mailwizz/client/form.ts";
import type { FormParams } from "../../reconciler/mailwizz/client/form.ts";
import { readList } from "../../reconciler/mailwizz/client/lists.ts";
import { readPage } from "../../reconciler/mailwizz/client/paging.ts";
import { chunkRows, readSubscriber } from "../../reconciler/mailwizz/client/subscribers.ts";
import { normalizeBaseUrl } from "../../reconciler/mailwizz/client/transport.ts";
import { num, obj, text } from "../../reconciler/mailwizz/client/types.ts";

describe("encodeForm (pure): PHP http_build_query output", () => {
  it.each<[string, FormParams, string]>([
    ["nested brackets", { general: { name: "A B" } }, "general%5Bname%5D=A+B"],
    [
      "explicit array indices",
      { subscribers: [{ EMAIL: "a@b.c" }, { EMAIL: "d@e.f" }] },
      "subscribers%5B0%5D%5BEMAIL%5D=a%40b.c&subscribers%5B1%5D%5BEMAIL%5D=d%40e.f",
    ],
    ["null and undefined dropped", { a: null, b: undefined, c: "" }, "c="],
    ["booleans as 1/0", { yes: true, no: false }, "yes=1&no=0"],
    ["numbers", { n: 12, f: 1.5 }, "n=12&f=1.5"],
    ["urlencode specials", { v: "!'()*~ -_.+/=é" }, "v=%21%27%28%29%2A%7E+-_.%2B%2F%3D%C3%A9"],
    ["base64 keeps + / = escaped", { c: "ab+/cd==" }, "c=ab%2B%2Fcd%3D%3D"],
  ])("%s", (_name, params, expected) => {
    expect(encodeForm(params)).toBe(expected);
  });
});

describe("signatureString (pure): SDK1 Request::sign", () => {
  it("matches the reference's POST example", () => {
    const text = signatureString(
      {
        method: "POST",
        url: "https://h/api/index.php/lists/abc/subscribers",
        query: {},
        body: { EMAIL: "x@y.z" },
      },
      { "X-MW-PUBLIC-KEY": "K", "X-MW-TIMESTAMP": "1700000000", "X-MW-REMOTE-ADDR": "" },
    );
    expect(text).toBe(
      "POST https://h/api/index.php/lists/abc/subscribers?EMAIL=x%40y.z&X-MW-PUBLIC-KEY=K&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=1700000000",
    );
  });

  it("puts sorted GET params in the URL, not in the signed params, and joins with &", () => {
    const text = signatureString(
      { method: "GET", url: "https://h/api/lists", query: { per_page: 50, page: 2 }, body: { ignored: "x" } },
      { "X-MW-TIMESTAMP": "1", "X-MW-PUBLIC-KEY": "K", "X-MW-REMOTE-ADDR": "" },
    );
    expect(text).toBe(
      "GET https://h/api/lists?page=2&per_page=50&X-MW-PUBLIC-KEY=K&X-MW-REMOTE-ADDR=&X-MW-TIMESTAMP=1",
    );
  });
});

describe("errors (pure): every MailWizz error shape names field and message", () => {
  it.each<[string, unknown, { field: string; message: string }[]]>([
    ["string", "The list does not exist.", [{ field: "", message: "The list does not exist." }]],
    [
      "field map",
      { name: "Name cannot be blank.", content: "Content cannot be blank." },
      [
        { field: "name", message: "Name cannot be blank." },
        { field: "content", message: "Content cannot be blank." },
      ],
    ],
    [
      "nested map",
      { general: { name: "Name cannot be blank." } },
      [{ field: "general.name", message: "Name cannot be blank." }],
    ],
    [
      "arrays of messages",
      { email: ["a", "b"] },
      [
        { field: "email", message: "a" },
        { field: "email", message: "b" },
      ],
    ],
    ["empty", null, []],
  ])("%s", (_name, error, expected) => {
    expect(flattenErrors(error)).toEqual(expected);
  });

  it.each<[number, unknown, new (...args: never[]) => Error]>([
    [400, "Invalid API key. Please refer to the documentation.", MailwizzAuthError],
    [404, "The campaign does not exist.", MailwizzNotFoundError],
    [422, { general: { name: "x" } }, MailwizzValidationError],
    [409, "Unable to acquire the mutex lock, please try again.", MailwizzUnavailableError],
    [500, "boom", MailwizzUnavailableError],
  ])("%i %j maps to its class", (status, error, cls) => {
    expect(apiError(status, "POST", "lists", error)).toBeInstanceOf(cls);
  });

  it("words the message with method, route, status, field and message", () => {
    const e = apiError(422, "POST", "lists", { general: { name: "Name cannot be blank." } });
    expect(e.message).toBe("MailWizz POST lists answered 422: general.name: Name cannot be blank.");
  });
});

describe("content rules (pure)", () => {
  it.each([
    ["<p>[UNSUBSCRIBE_URL] [COMPANY_FULL_ADDRESS]</p>", []],
    ["<p>[DIRECT_UNSUBSCRIBE_LINK] [COMPANY_FULL_ADDRESS]</p>", []],
    ["<p>[COMPANY_FULL_ADDRESS]</p>", ["[UNSUBSCRIBE_URL]"]],
    ["<p>hi</p>", ["[COMPANY_FULL_ADDRESS]", "[UNSUBSCRIBE_URL]"]],
  ])("%s lacks %j", (html, missing) => {
    expect(missingRequiredTags(html)).toEqual(missing);
  });

  it("writes send_at in the customer's time zone", () => {
    const at = new Date("2026-07-01T06:30:00Z");
    expect(formatSendAt(at, "UTC")).toBe("2026-07-01 06:30:00");
    expect(formatSendAt(at, "Europe/Berlin")).toBe("2026-07-01 08:30:00");
    expect(formatSendAt(new Date("2026-12-31T23:00:00Z"), "America/New_York")).toBe("2026-12-31 18:00:00");
  });
});

describe("chunkRows (pure)", () => {
  it.each<[string, number[], number, number, number[][]]>([
    ["by rows", [1, 1, 1, 1, 1], 2, 100, [[1, 1], [1, 1], [1]]],
    [
      "by pairs",
      [3, 3, 3, 1],
      10,
      6,
      [
        [3, 3],
        [3, 1],
      ],
    ],
    ["an oversized row alone", [9, 1], 10, 5, [[9], [1]]],
    ["nothing", [], 10, 5, []],
  ])("%s", (_name, rows, maxRows, maxPairs, expected) => {
    expect(chunkRows(rows, (n) => n, maxRows, maxPairs)).toEqual(expected);
  });
});

describe("tolerant readers (pure): MailWizz's data quirks", () => {
  it("reads `[]` where an object should be, and keeps localized dates as sent", () => {
    expect(
      readList({ general: { list_uid: "ab123cdefg456", name: "N" }, defaults: [], company: [] }),
    ).toEqual({
      uid: "ab123cdefg456",
      name: "N",
      displayName: "",
      description: "",
      fromName: "",
      fromEmail: "",
      replyTo: "",
      subject: "",
      company: {},
    });
  });

  it("turns the NOW() expression into null and keeps a stored date", () => {
    const created = readSubscriber({ subscriber_uid: "u", date_added: { expression: "NOW()", params: [] } });
    expect(created.dateAdded).toBeNull();
    expect(
      readSubscriber({ subscriber_uid: "u", date_added: "2023-10-15 08:37:23", FNAME: "Jo" }),
    ).toMatchObject({
      dateAdded: "2023-10-15 08:37:23",
      fields: { FNAME: "Jo" },
    });
  });

  it.each<[string, unknown, object]>([
    [
      "empty index",
      { count: null, total_pages: null, current_page: null, next_page: null, prev_page: null, records: [] },
      { count: 0, nextPage: null, records: [] },
    ],
    [
      "count as a string",
      { count: "13", total_pages: 2, current_page: 1, next_page: 2, prev_page: null, records: [{}] },
      { count: 13, totalPages: 2, nextPage: 2 },
    ],
    ["not an object", [], { count: 0, nextPage: null, records: [] }],
  ])("reads a page: %s", (_name, data, expected) => {
    expect(readPage(data)).toMatchObject(expected);
  });

  it("reads ids and counts that arrive as strings", () => {
    expect([num("13"), num(7), num(null), num("x"), text(12), text(null), text([])]).toEqual([
      13,
      7,
      0,
      0,
      "12",
      "",
      "",
    ]);
    expect(obj([])).toEqual({});
  });
});

describe("base URL (pure)", () => {
  it.each([
    ["https://mw.example/api/index.php/", "https://mw.example/api/index.php"],
    ["https://mw.example/api", "https://mw.example/api"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    "ftp://mw.example/api",
    "https://user:pw@mw.example/api",
    "https://mw.example/api?x=1",
    "not a url",
  ])("refuses %s", (input) => {
    expect(() => normalizeBaseUrl(input)).toThrow(MailwizzProtocolError);
  });

  it("does not echo credentials of a refused URL", () => {
    expect(() => normalizeBaseUrl("https://user:s3cret@mw.example/api")).toThrow(
      "MailWizz base URL must not carry credentials or a query string",
    );
  });
});
