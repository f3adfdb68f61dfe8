// Raw HTTP against the emulator: bodies and headers are written out by hand in the tests, so these
// tests check the emulator against the reference, not against the client.
export const KEY = "0123456789abcdef0123456789abcdef01234567";

export interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly json: unknown;
}

export async function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
    ...(init.signal !== undefined ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, json };
}

export const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
export const AUTH = { "X-Api-Key": KEY };
export const AUTH_FORM = { ...AUTH, ...FORM };

/** A complete list-create body, as the official SDK example sends it. */
export const LIST_BODY = [
  "general%5Bname%5D=Warm+leads",
  "general%5Bdescription%5D=Leads+for+the+warm-up",
  "general%5Bopt_in%5D=single",
  "defaults%5Bfrom_name%5D=Acme",
  "defaults%5Bfrom_email%5D=news%40acme.example",
  "defaults%5Breply_to%5D=reply%40acme.example",
  "company%5Bname%5D=Acme+GmbH",
  "company%5Bcountry%5D=Germany",
  "company%5Baddress_1%5D=Hauptstr.+1",
  "company%5Bcity%5D=Berlin",
  "company%5Bzip_code%5D=10115",
  "company%5Baddress_format%5D=%5BCOMPANY_NAME%5D",
].join("&");

export async function createList(base: string, body = LIST_BODY): Promise<string> {
  const res = await raw(`${base}/lists`, { method: "POST", headers: AUTH_FORM, body });
  if (res.status !== 201) throw new Error(`list create answered ${res.status}: ${res.text}`);
  return (res.json as { list_uid: string }).list_uid;
}
