import { createHash } from "node:crypto";
import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import { noticeMarkdown, splitForPlatform } from "./format.ts";
import { checkErrcode, type Fetch, postJson } from "./http.ts";
import { noticeImage } from "./image.ts";
import type { Transport } from "./transport.ts";

/** Group robot limits (PLATFORMS A5): markdown content ≤ 4096 bytes, text ≤ 2048, 20 messages a minute. */
export const WECOM_ROBOT_MARKDOWN_MAX = 4096;
export const WECOM_ROBOT_TEXT_MAX = 2048;
/** An image message: JPG or PNG of at most 2 MB before base64 encoding. */
export const WECOM_ROBOT_IMAGE_MAX = 2 * 1024 * 1024;

/** -1 system busy, 45009 frequency limit (the robot's 20/min; code UNCONFIRMED in PLATFORMS A5). */
const BUSY = new Set([-1, 45009]);

export type WecomRobotMessage =
  | { msgtype: "markdown"; markdown: { content: string } }
  | { msgtype: "image"; image: { base64: string; md5: string } };

export function wecomRobotUrl(apiBase: string, key: string): string {
  return `${apiBase.replace(/\/+$/, "")}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
}

/** The messages a notice becomes: its markdown (split to the limit), then its image, if it has one that fits. */
export function wecomRobotMessages(notice: Notice, card: Card | undefined): WecomRobotMessage[] {
  const out: WecomRobotMessage[] = splitForPlatform(
    noticeMarkdown(notice, card),
    WECOM_ROBOT_MARKDOWN_MAX,
  ).map((content) => ({ msgtype: "markdown", markdown: { content } }));
  const image = noticeImage(notice);
  // Too large a picture is left out: the markdown already carries every figure and the link.
  if (image && image.png.length <= WECOM_ROBOT_IMAGE_MAX) {
    out.push({
      msgtype: "image",
      image: { base64: image.png.toString("base64"), md5: createHash("md5").update(image.png).digest("hex") },
    });
  }
  return out;
}

/** A WeCom group robot (群机器人): markdown, plus an image message where the notice has one; buttons are text. */
export function wecomRobotTransport(input: {
  apiBase: string;
  key: string;
  fetch: Fetch;
  timeoutMs: number;
}): Transport<WecomRobotMessage> {
  const url = wecomRobotUrl(input.apiBase, input.key);
  return {
    prepare: wecomRobotMessages,
    async deliver(message, signal) {
      const reply = await postJson({
        fetch: input.fetch,
        platform: "wecom",
        url,
        body: JSON.stringify(message),
        timeoutMs: input.timeoutMs,
        signal,
      });
      checkErrcode("wecom", reply.body, BUSY);
    },
  };
}
