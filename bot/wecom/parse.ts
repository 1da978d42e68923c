import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import type { Inbound } from "../types.ts";

/** The POST body around the ciphertext. */
export interface OuterEnvelope {
  encrypt: string;
  toUserName?: string;
  agentId?: string;
}

export type ParsedCallback =
  | {
      kind: "inbound";
      inbound: Inbound;
      /** Card clicks only: the single-use code `update_template_card` needs for this user's card. */
      responseCode?: string;
    }
  /** Anything the bot does not act on (enter_agent, images, …); still answered 200 so WeCom does not retry. */
  | { kind: "ignored"; reason: string };

export class WecomXmlError extends Error {
  override name = "WecomXmlError";
}

// parseTagValue off: MsgId is a 64-bit number and must stay a string; so must user ids like "007".
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

type Fields = Record<string, unknown>;

function parseXml(xml: string): Fields {
  // WeCom never sends a DTD; refusing one outright rules out entity-expansion tricks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WecomXmlError("DOCTYPE is not accepted");
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new WecomXmlError(`not well-formed XML: ${(err as Error).message}`);
  }
  const root = (doc as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== "object" || Array.isArray(root))
    throw new WecomXmlError("expected an <xml> root");
  return root as Fields;
}

/** A leaf's text; repeated or nested elements are not leaves. */
const str = (f: Fields, key: string): string | undefined => {
  const v = f[key];
  return typeof v === "string" ? v : undefined;
};

/** Parses the outer POST body: `<xml><ToUserName/><Encrypt/><AgentID/></xml>`. */
export function parseOuter(xml: string): OuterEnvelope {
  const f = parseXml(xml);
  const encrypt = str(f, "Encrypt");
  if (!encrypt) throw new WecomXmlError("<Encrypt> is missing");
  return { encrypt, toUserName: str(f, "ToUserName"), agentId: str(f, "AgentID") };
}

const CARD_EVENTS = new Set(["template_card_event", "template_card_menu_event"]);

/** Parses the decrypted message (CDATA or plain text nodes) into what the router takes. */
export function parseInner(xml: string, nowMs: number): ParsedCallback {
  const f = parseXml(xml);
  const from = str(f, "FromUserName");
  const msgType = str(f, "MsgType");
  if (!from) throw new WecomXmlError("<FromUserName> is missing");
  const createTime = str(f, "CreateTime") ?? "";
  const at = /^\d{1,12}$/.test(createTime) ? Number(createTime) * 1000 : nowMs;
  const base = {
    platform: "wecom" as const,
    user: { id: from },
    conversation: { id: from, kind: "direct" as const },
    at,
  };

  if (msgType === "text") {
    const text = str(f, "Content") ?? "";
    const msgId = str(f, "MsgId");
    // Every real text message has a MsgId; the fallback still gives retries one identity.
    const dedupeKey = msgId
      ? `msg:${msgId}`
      : `msg:${from}|${createTime}|${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    return { kind: "inbound", inbound: { ...base, dedupeKey, text } };
  }

  const event = str(f, "Event");
  if (msgType === "event" && event && CARD_EVENTS.has(event)) {
    const key = str(f, "EventKey");
    const taskId = str(f, "TaskId");
    if (!key || !taskId) return { kind: "ignored", reason: `${event} without EventKey/TaskId` };
    // FromUserName+CreateTime alone collides for batch events; the key and task make it one click.
    const dedupeKey = `evt:${from}|${createTime}|${event}|${key}|${taskId}`;
    return {
      kind: "inbound",
      inbound: { ...base, dedupeKey, action: { key, cardId: taskId } },
      responseCode: str(f, "ResponseCode") || undefined,
    };
  }
  return {
    kind: "ignored",
    reason: msgType === "event" ? `event ${event ?? "?"}` : `msgtype ${msgType ?? "?"}`,
  };
}
