import { createHmac } from "node:crypto";
import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { noticeMarkdown, splitForPlatform } from "./format.ts";
import { checkErrcode, type Fetch, postJson } from "./http.ts";
import type { Transport } from "./transport.ts";

/**
 * Our own cap: PLATFORMS does not document the custom robot's markdown limit, and 4096 bytes
 * keeps a part readable on a phone.
 */
export const DINGTALK_MARKDOWN_MAX = 4096;

/** -1 busy, 130101 / 410100 sent too fast (the robot is then throttled for 10 minutes). */
const BUSY = new Set([-1, 130101, 410100]);

/** 加签 (PLATFORMS B8.2): Base64(HmacSHA256(secret, timestamp + "\n" + secret)), before URL-encoding. */
export function dingtalkSign(timestampMs: number | string, secret: string): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

export function dingtalkRobotUrl(input: {
  oapiBase: string;
  accessToken: string;
  secret: string;
  timestampMs: number;
}): string {
  const q = new URLSearchParams({
    access_token: input.accessToken,
    timestamp: String(input.timestampMs),
    sign: dingtalkSign(input.timestampMs, input.secret),
  });
  return `${input.oapiBase.replace(/\/+$/, "")}/robot/send?${q}`;
}

export interface DingtalkMarkdown {
  title: string;
  text: string;
}

/** A DingTalk custom group robot (自定义机器人), signed; buttons become text. */
export function dingtalkCustomRobotTransport(input: {
  oapiBase: string;
  accessToken: string;
  secret: string;
  fetch: Fetch;
  now: () => number;
  timeoutMs: number;
}): Transport<DingtalkMarkdown> {
  return {
    prepare: (notice: Notice, card: Card | undefined) => dingtalkMarkdownParts(notice, card),
    async deliver(markdown, signal) {
      // Signed per attempt: the timestamp must be within an hour of DingTalk's clock.
      const url = dingtalkRobotUrl({ ...input, timestampMs: input.now() });
      const reply = await postJson({
        fetch: input.fetch,
        platform: "dingtalk",
        url,
        body: JSON.stringify({ msgtype: "markdown", markdown }),
        timeoutMs: input.timeoutMs,
        signal,
      });
      checkErrcode("dingtalk", reply.body, BUSY);
    },
  };
}

/** Markdown parts for DingTalk; the title is what the notification preview shows. */
export function dingtalkMarkdownParts(notice: Notice, card: Card | undefined): DingtalkMarkdown[] {
  const parts = splitForPlatform(noticeMarkdown(notice, card), DINGTALK_MARKDOWN_MAX);
  return parts.map((text, i) => ({
    title: parts.length > 1 ? `${notice.title} (${i + 1}/${parts.length})` : notice.title,
    text,
  }));
}
