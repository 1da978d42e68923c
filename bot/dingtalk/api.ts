import type { Clock } from "../../src/shared/clock.ts";
import type { Logger } from "../../src/shared/logger.ts";
import { type DingtalkApi, PlatformError } from "../platform-clients.ts";
import { arrayField, errorText, numberField, parseJson, stringField } from "./json.ts";

export interface DingtalkApiOptions {
  /** https://api.dingtalk.com, or a local fake in tests. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** The robot's code; for an internal app's robot it is the client id (AppKey). */
  robotCode: string;
  /** card.dingtalk.com template for interactive cards; deliverCard refuses without it. */
  cardTemplateId?: string;
  logger: Logger;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Per request; a hung DingTalk must not hold a deferred task forever. */
  timeoutMs?: number;
}

/** The OpenAPI client with its token cache exposed for tests and health logs. */
export interface DingtalkApiClient extends DingtalkApi {
  /** How many times a token was fetched (single-flight: concurrent sends share one fetch). */
  readonly tokenFetches: number;
}

/** Refresh this long before DingTalk says the token expires (the Python SDK uses 5 minutes). */
const TOKEN_MARGIN_MS = 5 * 60_000;

interface TokenEntry {
  value: string;
  expiresAt: number;
}

export function createDingtalkApi(opts: DingtalkApiOptions): DingtalkApiClient {
  const base = opts.apiBase.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  const now = () => (opts.clock ? opts.clock.now() : Date.now());
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let token: TokenEntry | null = null;
  let inflight: Promise<string> | null = null;
  let tokenFetches = 0;

  async function call(method: string, path: string, body: unknown, accessToken?: string): Promise<unknown> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (accessToken) headers["x-acs-dingtalk-access-token"] = accessToken;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new PlatformError("dingtalk", "network", `${method} ${path}: ${errorText(err)}`, true);
    }
    const raw = await res.text();
    const json = parseJson(raw);
    if (!res.ok) {
      // OpenAPI errors: HTTP 4xx/5xx with {code, message, requestid}.
      const code = stringField(json, "code") ?? `http_${res.status}`;
      const message = stringField(json, "message") ?? raw.slice(0, 200);
      const retryable = res.status >= 500 || res.status === 429 || /throttl|limit/i.test(code);
      throw new PlatformError("dingtalk", code, `${method} ${path}: ${message}`, retryable);
    }
    return json;
  }

  async function fetchToken(): Promise<string> {
    tokenFetches++;
    const json = await call("POST", "/v1.0/oauth2/accessToken", {
      appKey: opts.clientId,
      appSecret: opts.clientSecret,
    });
    const value = stringField(json, "accessToken");
    const expireIn = Math.max(1, numberField(json, "expireIn") ?? 7200);
    if (!value)
      throw new PlatformError("dingtalk", "no_token", "accessToken missing in the token response", true);
    // A short-lived token (tests, odd answers) still gets half its life instead of a negative one.
    const margin = Math.min(TOKEN_MARGIN_MS, (expireIn * 1000) / 2);
    token = { value, expiresAt: now() + expireIn * 1000 - margin };
    opts.logger.debug({ expireIn }, "dingtalk access token refreshed");
    return value;
  }

  /** One fetch at a time: concurrent senders wait for the same refresh instead of each asking. */
  function accessToken(): Promise<string> {
    if (token && token.expiresAt > now()) return Promise.resolve(token.value);
    inflight ??= fetchToken().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /** Calls with the token; a rejected token is dropped and the call tried once more with a fresh one. */
  async function authed(method: string, path: string, body: unknown): Promise<unknown> {
    const t = await accessToken();
    try {
      return await call(method, path, body, t);
    } catch (err) {
      if (!(err instanceof PlatformError) || !isAuthError(err.code)) throw err;
      if (token?.value === t) token = null;
      return call(method, path, body, await accessToken());
    }
  }

  function requireTemplate(): string {
    if (!opts.cardTemplateId)
      throw new PlatformError(
        "dingtalk",
        "no_template",
        "DINGTALK_CARD_TEMPLATE_ID is not configured",
        false,
      );
    return opts.cardTemplateId;
  }

  return {
    get tokenFetches() {
      return tokenFetches;
    },
    async sendToUsers(userIds, msgKey, msgParam) {
      const json = await authed("POST", "/v1.0/robot/oToMessages/batchSend", {
        robotCode: opts.robotCode,
        userIds,
        msgKey,
        // DingTalk wants the parameters as a JSON *string*, not an object.
        msgParam: JSON.stringify(msgParam),
      });
      const invalid = arrayField(json, "invalidStaffIdList");
      const limited = arrayField(json, "flowControlledStaffIdList");
      if (invalid.length === userIds.length)
        throw new PlatformError(
          "dingtalk",
          "staffId.notExisted",
          `no valid recipient among ${userIds.length}`,
          false,
        );
      if (invalid.length || limited.length)
        opts.logger.warn({ invalid, limited }, "dingtalk batchSend skipped some recipients");
    },
    async sendToGroup(openConversationId, msgKey, msgParam) {
      await authed("POST", "/v1.0/robot/groupMessages/send", {
        robotCode: opts.robotCode,
        openConversationId,
        msgKey,
        msgParam: JSON.stringify(msgParam),
      });
    },
    async deliverCard({ outTrackId, cardParamMap, openSpaceId, userIds }) {
      const cardTemplateId = requireTemplate();
      const group = openSpaceId.includes("IM_GROUP.");
      await authed("POST", "/v1.0/card/instances/createAndDeliver", {
        cardTemplateId,
        outTrackId,
        // Clicks come back over the Stream connection of this same app (B6.5).
        callbackType: "STREAM",
        cardData: { cardParamMap },
        openSpaceId,
        userIdType: 1,
        ...(group
          ? {
              imGroupOpenSpaceModel: { supportForward: false },
              imGroupOpenDeliverModel: {
                robotCode: opts.robotCode,
                ...(userIds ? { recipients: userIds } : {}),
              },
            }
          : {
              imRobotOpenSpaceModel: { supportForward: false },
              imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: opts.robotCode },
            }),
      });
    },
    async updateCard(outTrackId, cardParamMap) {
      await authed("PUT", "/v1.0/card/instances", {
        outTrackId,
        cardData: { cardParamMap },
        cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: false },
        userIdType: 1,
      });
    },
  };
}

/** The card space of a 1:1 robot chat or a group, as createAndDeliver wants it. */
export function openSpaceId(
  target: { kind: "direct"; userId: string } | { kind: "group"; conversationId: string },
) {
  return target.kind === "group"
    ? `dtv1.card//IM_GROUP.${target.conversationId}`
    : `dtv1.card//IM_ROBOT.${target.userId}`;
}

function isAuthError(code: string): boolean {
  return code === "InvalidAuthentication" || code === "http_401" || /token/i.test(code);
}
