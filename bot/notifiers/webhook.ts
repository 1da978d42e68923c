import { createHmac, randomUUID } from "node:crypto";
import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { type Fetch, postJson } from "./http.ts";
import type { Transport } from "./transport.ts";

/**
 * Our signature for webhook receivers: HMAC-SHA256 over "<unix seconds>.<raw body>", hex, in
 * `X-Anchor-Signature: sha256=…` next to `X-Anchor-Timestamp`. The timestamp is inside the MAC
 * so a receiver can refuse replays older than a few minutes.
 */
export function anchorSignature(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

export interface WebhookMessage {
  /** Same on every retry of one message, so receivers can de-duplicate (`X-Anchor-Delivery`). */
  id: string;
  body: string;
}

/** POSTs the notice as JSON (plus `cardId` when it has buttons, for the 审批 command). */
export function webhookTransport(input: {
  url: string;
  secret: string;
  fetch: Fetch;
  now: () => number;
  timeoutMs: number;
}): Transport<WebhookMessage> {
  return {
    prepare: (notice: Notice, card: Card | undefined) => [
      { id: randomUUID(), body: JSON.stringify(card ? { ...notice, cardId: card.id } : notice) },
    ],
    async deliver(message, signal) {
      // Signed per attempt: a retry an hour later should not look like a replay.
      const timestamp = Math.floor(input.now() / 1000);
      await postJson({
        fetch: input.fetch,
        platform: "webhook",
        url: input.url,
        body: message.body,
        headers: {
          "x-anchor-timestamp": String(timestamp),
          "x-anchor-signature": anchorSignature(input.secret, timestamp, message.body),
          "x-anchor-delivery": message.id,
        },
        timeoutMs: input.timeoutMs,
        signal,
      });
    },
  };
}
