import type { Logger } from "../../src/shared/logger.ts";
import { hasCallbacks } from "../card.ts";
import type { WecomApi } from "../platform-clients.ts";
import { splitByBytes } from "../text.ts";
import type { Outcome, Reply } from "../types.ts";
import { renderMarkdownMessages, renderTemplateCard, WECOM_LIMITS } from "./render-card.ts";

export interface DeliverDeps {
  api: WecomApi;
  logger: Logger;
}

/** The app messages one reply becomes: text split to 2048 bytes, a template card, or markdown. */
export function replyMessages(userId: string, reply: Reply): Record<string, unknown>[] {
  const to = { touser: userId };
  if (reply.kind === "text") {
    if (!reply.text) return [];
    return splitByBytes(reply.text, WECOM_LIMITS.messageBytes).map((content) => ({
      ...to,
      msgtype: "text",
      text: { content },
    }));
  }
  if (hasCallbacks(reply.card)) {
    return [{ ...to, msgtype: "template_card", template_card: renderTemplateCard(reply.card) }];
  }
  return renderMarkdownMessages(reply.card).map((content) => ({
    ...to,
    msgtype: "markdown",
    markdown: { content },
  }));
}

/** What to log about a failure: the API's code and message (never the token-bearing URL). */
const describe = (err: unknown) =>
  err instanceof Error
    ? { name: err.name, message: err.message, code: (err as { code?: unknown }).code }
    : { err: String(err) };

/**
 * Sends the outcome of one inbound to the user who sent it. Runs after the callback was
 * answered, so nothing can be reported back: each failure is logged and the rest still goes out.
 */
export async function deliverOutcome(
  deps: DeliverDeps,
  input: { userId: string; outcome: Outcome; responseCode?: string },
): Promise<void> {
  const { api, logger } = deps;
  const { userId, outcome, responseCode } = input;
  if (outcome.cardUpdate) {
    if (!responseCode) {
      logger.warn(
        { cardId: outcome.cardUpdate.id },
        "wecom card update skipped: the click carried no ResponseCode",
      );
    } else {
      try {
        await api.updateTemplateCard({
          userids: [userId],
          response_code: responseCode,
          template_card: renderTemplateCard(outcome.cardUpdate),
        });
      } catch (err) {
        logger.error(
          { error: describe(err), cardId: outcome.cardUpdate.id },
          "wecom update_template_card failed",
        );
      }
    }
  }
  for (const reply of outcome.replies) {
    for (const msg of replyMessages(userId, reply)) {
      try {
        await api.sendMessage(msg);
      } catch (err) {
        logger.error({ error: describe(err), msgtype: msg.msgtype, userId }, "wecom message/send failed");
      }
    }
  }
}
