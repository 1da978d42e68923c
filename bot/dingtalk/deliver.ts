import type { Logger } from "../../src/shared/logger.ts";
import { type Card, hasCallbacks } from "../card.ts";
import { type DingtalkApi, PlatformError } from "../platform-clients.ts";
import { splitByBytes } from "../text.ts";
import type { Reply } from "../types.ts";
import { openSpaceId } from "./api.ts";
import { errorText, numberField, parseJson, stringField } from "./json.ts";
import type { ReplyTarget } from "./parse.ts";
import { cardMarkdown, cardParamMap } from "./render-card.ts";

/** Markdown and text up to this many UTF-8 bytes are accepted by every send path. */
export const MAX_MESSAGE_BYTES = 5000;
/** Treat a webhook as expired a little early: the reply may take a moment to arrive. */
const WEBHOOK_MARGIN_MS = 10_000;
const SESSION_EXPIRED = 300001;

export interface DeliveryOptions {
  api: DingtalkApi;
  logger: Logger;
  now: () => number;
  /** Session webhooks must live here (SSRF guard: the URL comes from an inbound frame). */
  oapiBase: string;
  /** Without it, callback buttons become 「审批 …」 reply hints. */
  cardTemplateId?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Message = { kind: "text"; content: string } | { kind: "markdown"; title: string; text: string };

/** Sends replies: session webhook while it lives, the robot API after (C6); never throws. */
export function createDelivery(opts: DeliveryOptions) {
  const doFetch = opts.fetch ?? fetch;
  const oapiOrigin = new URL(opts.oapiBase).origin;
  const log = opts.logger;

  function webhookUsable(target: ReplyTarget): boolean {
    const w = target.webhook;
    if (!w || w.expiresAt - WEBHOOK_MARGIN_MS <= opts.now()) return false;
    try {
      if (new URL(w.url).origin === oapiOrigin) return true;
    } catch {}
    log.warn(
      { origin: oapiOrigin },
      "dingtalk session webhook outside DINGTALK_OAPI_BASE; using the robot API",
    );
    return false;
  }

  async function postWebhook(url: string, msg: Message): Promise<void> {
    const body =
      msg.kind === "text"
        ? { msgtype: "text", text: { content: msg.content } }
        : { msgtype: "markdown", markdown: { title: msg.title, text: msg.text } };
    const res = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    const json = parseJson(await res.text());
    const errcode = numberField(json, "errcode") ?? (res.ok ? 0 : res.status);
    if (errcode !== 0)
      throw new PlatformError(
        "dingtalk",
        String(errcode),
        stringField(json, "errmsg") ?? "webhook failed",
        false,
      );
  }

  async function viaApi(target: ReplyTarget, msg: Message): Promise<void> {
    const [msgKey, param] =
      msg.kind === "text"
        ? ["sampleText", { content: msg.content }]
        : ["sampleMarkdown", { title: msg.title, text: msg.text }];
    if (target.conversation.kind === "group")
      return opts.api.sendToGroup(target.conversation.id, msgKey, param);
    if (!target.userId) throw new PlatformError("dingtalk", "no_staff_id", "sender has no staff id", false);
    return opts.api.sendToUsers([target.userId], msgKey, param);
  }

  function messages(reply: Reply, hints: boolean): Message[] {
    if (reply.kind === "text")
      return splitByBytes(reply.text, MAX_MESSAGE_BYTES)
        .filter((t) => t.trim())
        .map((content) => ({ kind: "text", content }));
    const { title, text } = cardMarkdown(reply.card, { replyHints: hints });
    return splitByBytes(text, MAX_MESSAGE_BYTES).map((t) => ({ kind: "markdown", title, text: t }));
  }

  /** An interactive card where clicks come back over Stream; false when it could not be sent. */
  async function interactive(target: ReplyTarget, card: Card): Promise<boolean> {
    if (!opts.cardTemplateId || !hasCallbacks(card)) return false;
    const group = target.conversation.kind === "group";
    if (!group && !target.userId) return false;
    try {
      await opts.api.deliverCard({
        outTrackId: card.id,
        cardParamMap: cardParamMap(card),
        openSpaceId: group
          ? openSpaceId({ kind: "group", conversationId: target.conversation.id })
          : openSpaceId({ kind: "direct", userId: target.userId }),
      });
      return true;
    } catch (err) {
      log.warn({ card: card.id, err: errorText(err) }, "dingtalk interactive card failed; sending markdown");
      return false;
    }
  }

  return {
    async replies(target: ReplyTarget, replies: Reply[]): Promise<void> {
      let webhook = webhookUsable(target);
      for (const reply of replies) {
        if (reply.kind === "card" && (await interactive(target, reply.card))) continue;
        const hints = reply.kind === "card" && hasCallbacks(reply.card);
        for (const msg of messages(reply, hints)) {
          try {
            if (webhook && target.webhook) {
              try {
                await postWebhook(target.webhook.url, msg);
                continue;
              } catch (err) {
                // Expired (300001) or broken: the robot API reaches the same chat without a session.
                webhook = false;
                const expired = err instanceof PlatformError && err.code === String(SESSION_EXPIRED);
                log.info(
                  { err: errorText(err), expired },
                  "dingtalk session webhook failed; using the robot API",
                );
              }
            }
            await viaApi(target, msg);
          } catch (err) {
            log.error(
              { err: errorText(err), conversation: target.conversation.kind },
              "dingtalk reply could not be delivered",
            );
          }
        }
      }
    },
  };
}
