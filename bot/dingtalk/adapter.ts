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

  /**
   * Stores the inbound, then acks: a message DingTalk was told we have is always in chat_inbox.
   * Storing is one group-committed insert (milliseconds), far inside DingTalk's redelivery window;
   * if it fails the frame stays un-acked and comes again. Handling and replies run afterwards.
   */
  async function receive(
    name: string,
    inbound: Inbound,
    ack: (response: unknown) => void,
    response: unknown,
    after: (outcome: Outcome) => Promise<void>,
  ) {
    const id = await bot.accept(inbound);
    ack(response);
    if (id === null) {
      log.info({ dedupeKey: inbound.dedupeKey }, "dingtalk duplicate delivery ignored");
      return;
    }
    deps.tasks.defer(name, async () => {
      try {
        await after(await bot.handle(id, inbound));
      } catch (err) {
        log.error({ err: errorText(err), dedupeKey: inbound.dedupeKey }, "dingtalk inbound failed");
      }
    });
  }

  stream.on(TOPIC_ROBOT, async (frame, ack) => {
    const parsed = parseRobotMessage(frame.data, deps.clock.now());
    if (!parsed) {
      ack(null);
      log.warn({ messageId: frame.headers.messageId }, "dingtalk robot message unreadable; dropped");
      return;
    }
    // {"response": null} is what the gateway expects for robot messages (B6.3).
    await receive("dingtalk.message", parsed.inbound, ack, null, (outcome) =>
      delivery.replies(parsed.target, outcome.replies),
    );
  });

  stream.on(TOPIC_CARD, async (frame, ack) => {
    const parsed = parseCardCallback(frame.data, frame.headers.messageId, deps.clock.now());
    if (!parsed) {
      ack({});
      log.warn({ messageId: frame.headers.messageId }, "dingtalk card callback without params.key; dropped");
      return;
    }
    // An empty CardResponse: the card is updated with PUT once the decision is taken.
    await receive("dingtalk.card", parsed.inbound, ack, {}, async (outcome) => {
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
