import { TOPIC_CARD, TOPIC_ROBOT } from "dingtalk-stream";
import type { Deps } from "../../src/deps.ts";
import type { DingtalkApi } from "../platform-clients.ts";
import type { Bot } from "../router.ts";
import type { Inbound, Outcome } from "../types.ts";
import { createDelivery } from "./deliver.ts";
import { errorText } from "./json.ts";
import { parseCardCallback, parseRobotMessage } from "./parse.ts";
import { cardParamMap } from "./render-card.ts";
import { createDingtalkStream, type DingtalkStream, type StreamOptions } from "./stream.ts";

export interface StartDingtalkOptions {
  deps: Deps;
  bot: Bot;
  api: DingtalkApi;
  /** Tuning and overrides; credentials and the API base default to deps.config. */
  streamOptions?: Partial<Omit<StreamOptions, "topics" | "logger">>;
  /** For session webhooks (tests point it nowhere special; it is the global fetch by default). */
  fetch?: typeof fetch;
}

export interface DingtalkAdapter {
  readonly stream: DingtalkStream;
  stop(): Promise<void>;
}

/**
 * DingTalk over Stream mode: every CALLBACK frame is acked before anything else happens (C1),
 * stored through bot.accept (a redelivery stops there), and handled in a deferred task whose
 * replies go out through the session webhook or the robot API.
 */
export function startDingtalk(opts: StartDingtalkOptions): DingtalkAdapter {
  const { deps, bot, api } = opts;
  const cfg = deps.config;
  const log = deps.logger.child({ platform: "dingtalk" });
  const clientId = opts.streamOptions?.clientId ?? cfg.DINGTALK_CLIENT_ID;
  const clientSecret = opts.streamOptions?.clientSecret ?? cfg.DINGTALK_CLIENT_SECRET;
  if (!clientId) throw new Error("DINGTALK_CLIENT_ID is required for the DingTalk adapter");
  if (!clientSecret) throw new Error("DINGTALK_CLIENT_SECRET is required for the DingTalk adapter");

  const stream = createDingtalkStream({
    apiBase: cfg.DINGTALK_API_BASE,
    ...opts.streamOptions,
    clientId,
    clientSecret,
    topics: [TOPIC_ROBOT, TOPIC_CARD],
    logger: log,
  });
  const delivery = createDelivery({
    api,
    logger: log,
    now: () => deps.clock.now(),
    oapiBase: cfg.DINGTALK_OAPI_BASE,
    cardTemplateId: cfg.DINGTALK_CARD_TEMPLATE_ID,
    fetch: opts.fetch,
  });

  /** accept → handle → deliver, after the ack; a failure is logged, never thrown at the stream. */
  function later(name: string, inbound: Inbound, after: (outcome: Outcome) => Promise<void>) {
    deps.tasks.defer(name, async () => {
      try {
        const id = await bot.accept(inbound);
        if (id === null) {
          log.info({ dedupeKey: inbound.dedupeKey }, "dingtalk duplicate delivery ignored");
          return;
        }
        await after(await bot.handle(id, inbound));
      } catch (err) {
        log.error({ err: errorText(err), dedupeKey: inbound.dedupeKey }, "dingtalk inbound failed");
      }
    });
  }

  stream.on(TOPIC_ROBOT, (frame, ack) => {
    // {"response": null} is what the gateway expects for robot messages (B6.3).
    ack(null);
    const parsed = parseRobotMessage(frame.data, deps.clock.now());
    if (!parsed) {
      log.warn({ messageId: frame.headers.messageId }, "dingtalk robot message unreadable; dropped");
      return;
    }
    later("dingtalk.message", parsed.inbound, (outcome) => delivery.replies(parsed.target, outcome.replies));
  });

  stream.on(TOPIC_CARD, (frame, ack) => {
    // An empty CardResponse: the card is updated with PUT once the decision is taken.
    ack({});
    const parsed = parseCardCallback(frame.data, frame.headers.messageId, deps.clock.now());
    if (!parsed) {
      log.warn({ messageId: frame.headers.messageId }, "dingtalk card callback without params.key; dropped");
      return;
    }
    later("dingtalk.card", parsed.inbound, async (outcome) => {
      if (outcome.cardUpdate) await updateCard(parsed.outTrackId, outcome);
      await delivery.replies(parsed.target, outcome.replies);
    });
  });

  async function updateCard(outTrackId: string, outcome: Outcome) {
    if (!outcome.cardUpdate) return;
    try {
      await api.updateCard(outTrackId, cardParamMap(outcome.cardUpdate));
    } catch (err) {
      log.error({ err: errorText(err), card: outTrackId }, "dingtalk card update failed");
    }
  }

  stream.start();
  return { stream, stop: () => stream.stop() };
}
