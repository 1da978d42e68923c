/**
 * The outbound platform APIs the adapters and notifiers share. One token cache per app, one
 * implementation each (bot/wecom/client.ts, bot/dingtalk/api.ts), pointed at configurable base
 * URLs so tests run them against local fakes.
 */

/** A platform answered with an error code (WeCom errcode, DingTalk code) or an HTTP failure. */
export class PlatformError extends Error {
  constructor(
    readonly platform: "wecom" | "dingtalk" | "smtp" | "sms" | "webhook",
    readonly code: string,
    message: string,
    /** Worth retrying later (rate limit, 5xx, network); false for bad requests and bad credentials. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "PlatformError";
  }
}

export interface WecomApi {
  /** POST cgi-bin/message/send (agentid filled in); refreshes the token single-flight on 40014/42001. */
  sendMessage(msg: Record<string, unknown>): Promise<{ msgid?: string; response_code?: string }>;
  /** POST cgi-bin/message/update_template_card (agentid filled in). */
  updateTemplateCard(body: Record<string, unknown>): Promise<void>;
}

export interface DingtalkApi {
  /** POST /v1.0/robot/oToMessages/batchSend — the robot's 1:1 messages. */
  sendToUsers(userIds: string[], msgKey: string, msgParam: Record<string, string>): Promise<void>;
  /** POST /v1.0/robot/groupMessages/send — the robot's group messages. */
  sendToGroup(openConversationId: string, msgKey: string, msgParam: Record<string, string>): Promise<void>;
  /** POST /v1.0/card/instances/createAndDeliver — an interactive card with STREAM callbacks. */
  deliverCard(input: {
    outTrackId: string;
    cardParamMap: Record<string, string>;
    openSpaceId: string;
    userIds?: string[];
  }): Promise<void>;
  /** PUT /v1.0/card/instances — update a delivered card after a click. */
  updateCard(outTrackId: string, cardParamMap: Record<string, string>): Promise<void>;
}
