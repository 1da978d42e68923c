import type { Config } from "../../src/env.ts";
import { type Clock, systemClock } from "../../src/shared/clock.ts";
import type { Logger } from "../../src/shared/logger.ts";
import { PlatformError, type WecomApi } from "../platform-clients.ts";

export interface WecomApiOptions {
  /** https://qyapi.weixin.qq.com, or a local fake in tests. */
  apiBase: string;
  corpId: string;
  secret: string;
  agentId: string | number;
  logger: Logger;
  fetch?: typeof fetch;
  /** For the token's expiry; defaults to the system clock. */
  clock?: Clock;
  /** Per request; defaults to 10 s. */
  timeoutMs?: number;
}

/** The token is dropped and fetched again after any of these. */
const TOKEN_INVALID = new Set([40014, 42001]);
/** WeCom busy or rate-limited: worth trying again later. */
const RETRYABLE = new Set([-1, 45009, 45011, 45033]);

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface WecomReply {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

/**
 * The WeCom app API: one access token per app secret, cached until shortly before it expires and
 * refreshed single-flight, because WeCom throttles frequent gettoken calls. Neither the secret
 * nor the token is ever logged or put into an error message (both travel in URLs).
 */
export function createWecomApi(opts: WecomApiOptions): WecomApi {
  const doFetch = opts.fetch ?? fetch;
  const clock = opts.clock ?? systemClock;
  const base = opts.apiBase.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const agentid = /^\d+$/.test(String(opts.agentId)) ? Number(opts.agentId) : opts.agentId;
  let cached: CachedToken | null = null;
  let refreshing: Promise<string> | null = null;

  async function call(what: string, url: string, init?: RequestInit): Promise<WecomReply> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      // The URL carries the token or secret: report only the operation and the error's name.
      throw new PlatformError("wecom", "network", `${what}: request failed (${(err as Error).name})`, true);
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429;
      throw new PlatformError("wecom", `http_${res.status}`, `${what}: HTTP ${res.status}`, retryable);
    }
    try {
      return (await res.json()) as WecomReply;
    } catch {
      throw new PlatformError("wecom", "bad_response", `${what}: the answer is not JSON`, true);
    }
  }

  async function fetchToken(): Promise<string> {
    const q = new URLSearchParams({ corpid: opts.corpId, corpsecret: opts.secret });
    const body = await call("gettoken", `${base}/cgi-bin/gettoken?${q}`);
    const token = body.access_token;
    if (body.errcode || typeof token !== "string" || !token) {
      const code = body.errcode ?? 0;
      throw new PlatformError(
        "wecom",
        String(code),
        `gettoken: ${body.errmsg ?? "no access_token"}`,
        RETRYABLE.has(code),
      );
    }
    const ttl = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 7200;
    // Refresh five minutes early (half the lifetime for short ones) so a call never carries a token
    // that dies in flight.
    const lifetime = Math.max(ttl - 300, ttl / 2);
    cached = { token, expiresAt: clock.now() + lifetime * 1000 };
    opts.logger.info({ expiresIn: ttl }, "wecom access token refreshed");
    return token;
  }

  function token(): Promise<string> {
    if (cached && clock.now() < cached.expiresAt) return Promise.resolve(cached.token);
    refreshing ??= fetchToken().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function post(path: string, payload: Record<string, unknown>): Promise<WecomReply> {
    const send = async (t: string) =>
      call(path, `${base}/cgi-bin/${path}?access_token=${encodeURIComponent(t)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
    const used = await token();
    let body = await send(used);
    if (body.errcode && TOKEN_INVALID.has(body.errcode)) {
      // Only the caller holding the dead token drops it; the others join the refresh or use the
      // token it already produced.
      if (cached?.token === used) cached = null;
      opts.logger.warn({ errcode: body.errcode, path }, "wecom token rejected; refreshing once");
      body = await send(await token());
    }
    if (body.errcode) {
      throw new PlatformError(
        "wecom",
        String(body.errcode),
        `${path}: ${body.errmsg ?? "error"}`,
        RETRYABLE.has(body.errcode),
      );
    }
    return body;
  }

  return {
    async sendMessage(msg) {
      const body = await post("message/send", { ...msg, agentid });
      if (body.invaliduser)
        opts.logger.warn({ invaliduser: body.invaliduser }, "wecom message/send: invalid users");
      return {
        msgid: typeof body.msgid === "string" ? body.msgid : undefined,
        response_code: typeof body.response_code === "string" ? body.response_code : undefined,
      };
    },
    async updateTemplateCard(payload) {
      await post("message/update_template_card", { ...payload, agentid });
    },
  };
}

/** The app API from config, or null when WECOM_CORP_ID, WECOM_SECRET or WECOM_AGENT_ID is missing. */
export function wecomApiFromConfig(config: Config, logger: Logger, clock?: Clock): WecomApi | null {
  const { WECOM_CORP_ID: corpId, WECOM_SECRET: secret, WECOM_AGENT_ID: agentId } = config;
  if (!corpId || !secret || !agentId) return null;
  return createWecomApi({ apiBase: config.WECOM_API_BASE, corpId, secret, agentId, logger, clock });
}
