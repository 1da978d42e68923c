import { PlatformError } from "../platform-clients.ts";

export type Fetch = typeof fetch;
type Platform = PlatformError["platform"];

export interface JsonReply {
  status: number;
  body: unknown;
}

/**
 * POSTs JSON and sorts failures into retryable (network, timeout, 429, 5xx) or not. Error
 * messages never include the URL: robot keys and tokens live in it.
 */
export async function postJson(input: {
  fetch: Fetch;
  platform: Platform;
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<JsonReply> {
  let res: Response;
  try {
    res = await input.fetch(input.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...input.headers },
      body: input.body,
      signal: AbortSignal.any([input.signal, AbortSignal.timeout(input.timeoutMs)]),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : null;
    const code =
      (cause && "code" in cause && typeof cause.code === "string" && cause.code) || (e as Error).name;
    throw new PlatformError(input.platform, "network", `request failed: ${code}`, true);
  }
  const text = await res.text().catch(() => "");
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page); keep the text for the message.
  }
  if (res.status === 429 || res.status >= 500) {
    throw new PlatformError(input.platform, `http_${res.status}`, `HTTP ${res.status}`, true);
  }
  if (res.status >= 300) {
    throw new PlatformError(
      input.platform,
      `http_${res.status}`,
      `HTTP ${res.status}: ${text.slice(0, 200)}`,
      false,
    );
  }
  return { status: res.status, body };
}

/** `{errcode, errmsg}` answers (WeCom, DingTalk oapi): 0 is success, `retryable` lists the busy codes. */
export function checkErrcode(platform: Platform, body: unknown, retryable: ReadonlySet<number>): void {
  const b = (body ?? {}) as { errcode?: unknown; errmsg?: unknown };
  const code = typeof b.errcode === "number" ? b.errcode : Number.NaN;
  if (code === 0) return;
  const msg = typeof b.errmsg === "string" ? b.errmsg : "unexpected answer";
  throw new PlatformError(
    platform,
    String(b.errcode ?? "no_errcode"),
    `errcode ${b.errcode}: ${msg}`,
    retryable.has(code),
  );
}
