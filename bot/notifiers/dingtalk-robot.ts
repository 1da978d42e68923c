import type { Notice } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import type { DingtalkApi } from "../platform-clients.ts";
import { type DingtalkMarkdown, dingtalkMarkdownParts } from "./dingtalk-custom-robot.ts";
import type { Transport } from "./transport.ts";

export type DingtalkRecipient = { userIds: string[] } | { openConversationId: string };

/**
 * The app robot's proactive messages (PLATFORMS B7.2) as `sampleMarkdown`. Interactive cards need
 * a card template and STREAM callbacks (bot/dingtalk); notices use the text fallback for buttons.
 */
export function dingtalkRobotTransport(input: {
  api: DingtalkApi;
  to: DingtalkRecipient;
}): Transport<DingtalkMarkdown> {
  const { api, to } = input;
  return {
    prepare: (notice: Notice, card: Card | undefined) => dingtalkMarkdownParts(notice, card),
    async deliver(markdown) {
      const param = { title: markdown.title, text: markdown.text };
      if ("userIds" in to) await api.sendToUsers(to.userIds, "sampleMarkdown", param);
      else await api.sendToGroup(to.openConversationId, "sampleMarkdown", param);
    },
  };
}
