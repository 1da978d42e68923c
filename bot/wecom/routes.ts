import { Hono } from "hono";
import type { Deps } from "../../src/deps.ts";
import type { Config } from "../../src/env.ts";
import { AppError } from "../../src/errors.ts";
import type { AppEnv } from "../../src/http/middleware.ts";
import { errorResponse } from "../../src/http/on-error.ts";
import { BodyTooLarge, readRawBody } from "../../src/http/raw-body.ts";
import type { WecomApi } from "../platform-clients.ts";
import type { Bot } from "../router.ts";
import { deliverOutcome } from "./deliver.ts";
import { parseInner, parseOuter, WecomXmlError } from "./parse.ts";
import { isValidAesKey, type Opened, openEnvelope, type WecomCallbackKeys } from "./verify.ts";

/** Callback bodies are a few hundred bytes; anything near this is not from WeCom. */
const MAX_BODY = 64 * 1024;

/** The callback settings, or null when WECOM_CORP_ID, WECOM_TOKEN or WECOM_ENCODING_AES_KEY is missing. */
export function wecomCallbackKeys(config: Config): WecomCallbackKeys | null {
  const { WECOM_CORP_ID: corpId, WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAesKey } = config;
  if (!corpId || !token || !encodingAesKey) return null;
  return { corpId, token, encodingAesKey, maxSkew: config.WECOM_MAX_SKEW };
}

/**
 * Why the callback cannot be served, or null when it can: it needs the callback keys to read
 * messages and the app secret and agent id to answer them.
 */
export function wecomConfigProblem(config: Config): string | null {
  const keys = wecomCallbackKeys(config);
  if (!keys) return "WeCom is not configured (WECOM_CORP_ID, WECOM_TOKEN, WECOM_ENCODING_AES_KEY)";
  if (!isValidAesKey(keys.encodingAesKey)) return "WECOM_ENCODING_AES_KEY must be 43 letters/digits";
  if (!config.WECOM_SECRET || !config.WECOM_AGENT_ID)
    return "WECOM_SECRET and WECOM_AGENT_ID are needed to reply";
  return null;
}

/** The lead may skip mounting when false; mounted anyway, the routes answer 503 `unavailable`. */
export function isWecomConfigured(config: Config): boolean {
  return wecomConfigProblem(config) === null;
}

function refusal(opened: Exclude<Opened, { ok: true }>): AppError {
  switch (opened.reason) {
    case "malformed":
      return new AppError("bad_request", opened.detail);
    case "bad_signature":
    case "stale_timestamp":
      return new AppError("bad_signature", opened.detail);
    case "wrong_receiver":
      return new AppError("unauthorized", "the message is not addressed to this CorpID");
  }
}

/**
 * `/callback` for the WeCom self-built app, mounted by the lead as `app.route("/wecom", …)`.
 * GET answers URL verification with the bare plaintext; POST verifies, stores the message
 * (`bot.accept`) and answers an empty 200 at once (WeCom retries after 5 s), then handles it and
 * replies through `message/send` in a deferred task.
 */
export function wecomRoutes({ deps, bot, api }: { deps: Deps; bot: Bot; api: WecomApi | null }) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => errorResponse(c, err, c.get("log") ?? deps.logger));
  const keys = wecomCallbackKeys(deps.config);
  const problem = wecomConfigProblem(deps.config) ?? (api ? null : "no WeCom API client was given");
  if (problem || !keys || !api) {
    // Half a configuration is a mistake worth shouting about; none at all is a choice.
    if (keys) deps.logger.error({ problem }, "wecom callback disabled");
    app.all("/callback", () => {
      throw new AppError("unavailable", problem ?? "WeCom is not configured");
    });
    return app;
  }

  const open = (c: { req: { query(k: string): string | undefined } }, encrypt: string | undefined) =>
    openEnvelope(
      keys,
      {
        signature: c.req.query("msg_signature"),
        timestamp: c.req.query("timestamp"),
        nonce: c.req.query("nonce"),
        encrypt,
      },
      deps.clock.now(),
    );

  app.get("/callback", (c) => {
    // Hono decodes the query once. A literal "+" (sent unencoded) arrives as a space, which base64
    // never contains, so putting it back repairs that case without decoding twice.
    const echostr = c.req.query("echostr")?.replace(/ /g, "+");
    const opened = open(c, echostr);
    if (!opened.ok) {
      c.get("log")?.warn({ reason: opened.reason }, "wecom url verification refused");
      throw refusal(opened);
    }
    // Exactly the plaintext: no quotes, no BOM, no newline, or WeCom reports echostr校验失败.
    return c.text(opened.message, 200);
  });

  app.post("/callback", async (c) => {
    const log = c.get("log") ?? deps.logger;
    let xml: string;
    try {
      xml = (await readRawBody(c, MAX_BODY)).body.toString("utf8");
    } catch (err) {
      if (err instanceof BodyTooLarge)
        throw new AppError("payload_too_large", `callback body over ${MAX_BODY} bytes`);
      throw err;
    }
    let parsed: ReturnType<typeof parseInner>;
    try {
      const outer = parseOuter(xml);
      const opened = open(c, outer.encrypt);
      if (!opened.ok) {
        log.warn({ reason: opened.reason }, "wecom callback refused");
        throw refusal(opened);
      }
      parsed = parseInner(opened.message, deps.clock.now());
    } catch (err) {
      if (err instanceof WecomXmlError) throw new AppError("bad_request", err.message);
      throw err;
    }
    if (parsed.kind === "ignored") {
      log.debug({ reason: parsed.reason }, "wecom callback ignored");
      return c.body(null, 200);
    }
    const { inbound, responseCode } = parsed;
    // Stored before the answer: a crash after the 200 cannot lose it, and a retry is a duplicate.
    const id = await bot.accept(inbound);
    if (id === null) {
      log.debug({ dedupeKey: inbound.dedupeKey }, "wecom duplicate delivery");
      return c.body(null, 200);
    }
    deps.tasks.defer("wecom.handle", async () => {
      const outcome = await bot.handle(id, inbound);
      await deliverOutcome({ api, logger: deps.logger }, { userId: inbound.user.id, outcome, responseCode });
    });
    return c.body(null, 200);
  });
  return app;
}
