import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { noticeMarkdown, splitForPlatform } from "./format.ts";
import { checkErrcode, type Fetch, postJson } from "./http.ts";
import type { Transport } from "./transport.ts";

/** Group robot limits (PLATFORMS A5): markdown content ≤ 4096 bytes, text ≤ 2048, 20 messages a minute. */
export const WECOM_ROBOT_MARKDOWN_MAX = 4096;
export const WECOM_ROBOT_TEXT_MAX = 2048;

/** -1 system busy, 45009 frequency limit (the robot's 20/min; code UNCONFIRMED in PLATFORMS A5). */
const BUSY = new Set([-1, 45009]);

export function wecomRobotUrl(apiBase: string, key: string): string {
  return `${apiBase.replace(/\/+$/, "")}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
}

/** A WeCom group robot (群机器人): markdown only; the robot cannot receive clicks, so buttons are text. */
export function wecomRobotTransport(input: {
  apiBase: string;
  key: string;
  fetch: Fetch;
  timeoutMs: number;
}): Transport<string> {
  const url = wecomRobotUrl(input.apiBase, input.key);
  return {
    prepare: (notice: Notice, card: Card | undefined) =>
      splitForPlatform(noticeMarkdown(notice, card), WECOM_ROBOT_MARKDOWN_MAX),
    async deliver(content, signal) {
      const reply = await postJson({
        fetch: input.fetch,
        platform: "wecom",
        url,
        body: JSON.stringify({ msgtype: "markdown", markdown: { content } }),
        timeoutMs: input.timeoutMs,
        signal,
      });
      checkErrcode("wecom", reply.body, BUSY);
    },
  };
}
