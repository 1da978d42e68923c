import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { clip } from "./format.ts";
import { type Fetch, postJson } from "./http.ts";
import type { Transport } from "./transport.ts";

/**
 * One SMS segment holds 70 Chinese characters; longer texts are billed as several and some
 * gateways refuse them. SMS is the "look at the chat" nudge, so title and first line only.
 */
export const SMS_MAX_CHARS = 70;

export function smsText(notice: Notice, maxChars = SMS_MAX_CHARS): string {
  const first = notice.text.split("\n").find((l) => l.trim()) ?? "";
  const head = `${notice.severity ? `[${notice.severity}]` : ""}${notice.title}`;
  return clip(first ? `${head}:${first.trim()}` : head, maxChars);
}

/** An HTTP SMS gateway: POST {to, text} with a bearer token; buttons are left out (no replies). */
export function smsTransport(input: {
  gatewayUrl: string;
  token: string;
  phone: string;
  fetch: Fetch;
  timeoutMs: number;
  maxChars?: number;
}): Transport<string> {
  return {
    prepare: (notice: Notice, _card: Card | undefined) => [smsText(notice, input.maxChars)],
    async deliver(text, signal) {
      await postJson({
        fetch: input.fetch,
        platform: "sms",
        url: input.gatewayUrl,
        body: JSON.stringify({ to: input.phone, text }),
        headers: { authorization: `Bearer ${input.token}` },
        timeoutMs: input.timeoutMs,
        signal,
      });
    },
  };
}
