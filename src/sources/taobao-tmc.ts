import { idString, parseJson } from "./json.ts";
import { asObj, listOf, type Obj, optStr, reqObj, reqStr } from "./read.ts";
import { chinaTimeToMs } from "./time.ts";
import type { CanonicalEvent } from "./types.ts";

const TRADE_PREFIX = "taobao_trade_";

/**
 * One TMC message ({id, topic, pub_time, content: "<JSON string>"}) → a "tmc" event.
 * `content` is itself JSON with 19-digit tid/oid, so it is parsed losslessly too.
 */
export function tmcMessageEvent(raw: unknown, path: string): CanonicalEvent {
  const msg = asObj(raw, path);
  const id = idString(msg.id, `${path}.id`);
  const topic = reqStr(msg, "topic", path);
  const eventTime = chinaTimeToMs(msg.pub_time ?? msg.time, `${path}.pub_time`);
  const content = asObj(parseJson(reqStr(msg, "content", path), `${path}.content`), `${path}.content`);
  const orderNo = idString(content.tid, `${path}.content.tid`);
  const status = optStr(content, "status", `${path}.content`) ?? null;
  return {
    source: "taobao",
    kind: "tmc",
    sourceEventId: id,
    orderRef: { orderNo },
    eventTime,
    rawStatus: status ?? topic,
    fields: {
      topic: topic.startsWith(TRADE_PREFIX) ? topic.slice(TRADE_PREFIX.length) : topic,
      status,
    },
  };
}

/** `tmc_messages_consume_response.messages.tmc_message[]`; an empty poll yields no events. */
export function tmcConsumeEvents(response: Obj): CanonicalEvent[] {
  const base = "tmc_messages_consume_response";
  const messages = response.messages;
  if (messages === undefined || messages === null || messages === "") return [];
  const list = listOf(reqObj(response, "messages", base).tmc_message, `${base}.messages.tmc_message`);
  return list.map((m, i) => tmcMessageEvent(m, `${base}.messages.tmc_message.${i}`));
}

/** What a TMC delivery is keyed by: all its message ids, in order. */
export function tmcDeliveryKey(events: CanonicalEvent[]): string | null {
  if (events.length === 0 || events.some((e) => e.kind !== "tmc" || e.sourceEventId === null)) return null;
  return events.map((e) => e.sourceEventId).join(",");
}
