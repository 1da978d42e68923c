import { type Config, NOTIFY_AUDIENCES, type NotifyTarget, notifyVariable } from "../../src/env.ts";
import type { Logger } from "../../src/shared/logger.ts";
import type { Audience, Notice, Notifier } from "../../src/shared/notifier.ts";
import type { Card } from "../card.ts";
import type { DingtalkApi, WecomApi } from "../platform-clients.ts";
import {
  createTargetQueue,
  type DeliveryJob,
  type DeliveryOptions,
  realTiming,
  type TargetQueue,
  type TargetStats,
  type Timing,
  TransientError,
} from "./delivery.ts";
import { dingtalkCustomRobotTransport } from "./dingtalk-custom-robot.ts";
import { dingtalkRobotTransport } from "./dingtalk-robot.ts";
import { emailTransport, type Mailer, smtpMailer } from "./email.ts";
import { noticeCard } from "./format.ts";
import type { Fetch } from "./http.ts";
import { smsTransport } from "./sms.ts";
import { scrubber, targetKey, targetLabel, targetSecrets } from "./targets.ts";
import type { Transport } from "./transport.ts";
import { webhookTransport } from "./webhook.ts";
import { wecomAppTransport } from "./wecom-app.ts";
import { wecomRobotTransport } from "./wecom-robot.ts";

export type NotifierConfig = Pick<
  Config,
  | `NOTIFY_${Uppercase<Audience>}`
  | "SMTP_URL"
  | "SMTP_FROM"
  | "SMS_GATEWAY_URL"
  | "SMS_GATEWAY_TOKEN"
  | "NOTIFY_WEBHOOK_SECRET"
  | "WECOM_API_BASE"
  | "DINGTALK_OAPI_BASE"
>;

type Kind = NotifyTarget["kind"];

export interface ChatNotifierOptions {
  /** Clock and sleep for the queues, card ids and signatures; tests pass a manual one. */
  timing?: Timing;
  /** Per HTTP request. */
  requestTimeoutMs?: number;
  /** Overrides for every kind … */
  delivery?: Partial<DeliveryOptions>;
  /** … and per kind, applied last. */
  perKind?: Partial<Record<Kind, Partial<DeliveryOptions>>>;
  /** Characters per SMS (default one segment, 70). */
  smsMaxChars?: number;
}

const MINUTE = 60_000;

const BASE: DeliveryOptions = {
  maxAttempts: 5,
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  breaker: { threshold: 5, coolDownMs: MINUTE },
  maxQueue: 500,
};

/**
 * Platform limits (PLATFORMS A4.2, A5, B8.2): robots 20 a minute (DingTalk throttles for 10
 * minutes past it), the WeCom app 30 a minute per member. The rest are our own guesses at what a
 * gateway or mailbox tolerates.
 */
const KIND_RATE: Record<Kind, DeliveryOptions["rate"]> = {
  "wecom-app": { limit: 30, windowMs: MINUTE },
  "wecom-robot": { limit: 20, windowMs: MINUTE },
  "dingtalk-user": { limit: 20, windowMs: MINUTE },
  "dingtalk-group": { limit: 20, windowMs: MINUTE },
  "dingtalk-robot": { limit: 20, windowMs: MINUTE },
  email: { limit: 30, windowMs: MINUTE },
  sms: { limit: 10, windowMs: MINUTE },
  webhook: { limit: 60, windowMs: MINUTE },
};

export interface ChatNotifierStats {
  /** Notices for audiences nobody configured (logged only). */
  unrouted: number;
  targets: TargetStats[];
}

export type ChatNotifier = Notifier & {
  /** Resolves once every queued message is delivered or given up on. */
  flush(): Promise<void>;
  /** Stops now: in-flight requests are aborted, waiting messages dropped and logged. flush() first to drain. */
  close(): Promise<void>;
  stats(): ChatNotifierStats;
};

interface Route {
  transport: Transport<unknown>;
  queue: TargetQueue;
}

/** The same users listed twice in one audience would get every card twice (and a duplicate task_id). */
function mergeWecomApp(targets: NotifyTarget[]): NotifyTarget[] {
  const users = targets.flatMap((t) => (t.kind === "wecom-app" ? t.users : []));
  const rest = targets.filter((t) => t.kind !== "wecom-app");
  return users.length ? [{ kind: "wecom-app", users: [...new Set(users)] }, ...rest] : rest;
}

function smtpPassword(url: string | undefined): string[] {
  if (!url) return [];
  const u = new URL(url);
  return [u.password, decodeURIComponent(u.password)];
}

/**
 * Routes each notice to its audience's targets (NOTIFY_<AUDIENCE>). `send` only enqueues and never
 * rejects; each target has its own queue with rate limit, retries and circuit breaker.
 * `remember` stores a notice's card before it goes out, so clicks and "审批 <cardId> <n>" replies
 * resolve; without it, notices go out without buttons.
 */
export function createChatNotifier(input: {
  config: NotifierConfig;
  logger: Logger;
  wecom?: WecomApi;
  dingtalk?: DingtalkApi;
  remember?: (card: Card) => Promise<void>;
  fetch?: Fetch;
  /** Defaults to SMTP over SMTP_URL. */
  mailer?: Mailer;
  options?: ChatNotifierOptions;
}): ChatNotifier {
  const { config, logger, remember, options = {} } = input;
  const timing = options.timing ?? realTiming;
  const fetchFn = input.fetch ?? globalThis.fetch;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const targetsOf = (a: Audience) => mergeWecomApp(config[notifyVariable(a)]);
  const all = NOTIFY_AUDIENCES.flatMap(targetsOf);

  const scrub = scrubber([
    ...all.flatMap(targetSecrets),
    ...smtpPassword(config.SMTP_URL),
    config.SMS_GATEWAY_TOKEN ?? "",
    config.NOTIFY_WEBHOOK_SECRET ?? "",
  ]);

  // Only a mailer we made is ours to close.
  let mailer: Mailer | undefined = input.mailer;
  let ownMailer: Mailer | undefined;
  const need = <T>(value: T | undefined, what: string, kind: Kind): T => {
    if (value === undefined) throw new Error(`${kind} notify targets need ${what}`);
    return value;
  };

  function transportFor(t: NotifyTarget): Transport<unknown> {
    switch (t.kind) {
      case "wecom-app":
        return wecomAppTransport({ api: need(input.wecom, "a WeCom client", t.kind), users: t.users });
      case "wecom-robot":
        return wecomRobotTransport({ apiBase: config.WECOM_API_BASE, key: t.key, fetch: fetchFn, timeoutMs });
      case "dingtalk-user":
        return dingtalkRobotTransport({ api: need(input.dingtalk, "a DingTalk client", t.kind), to: t });
      case "dingtalk-group":
        return dingtalkRobotTransport({ api: need(input.dingtalk, "a DingTalk client", t.kind), to: t });
      case "dingtalk-robot":
        return dingtalkCustomRobotTransport({
          oapiBase: config.DINGTALK_OAPI_BASE,
          accessToken: t.accessToken,
          secret: t.secret,
          fetch: fetchFn,
          now: timing.now,
          timeoutMs,
        });
      case "email":
        mailer ??= ownMailer = smtpMailer(need(config.SMTP_URL, "SMTP_URL", t.kind), timeoutMs);
        return emailTransport({ mailer, from: need(config.SMTP_FROM, "SMTP_FROM", t.kind), to: t.address });
      case "sms":
        return smsTransport({
          gatewayUrl: need(config.SMS_GATEWAY_URL, "SMS_GATEWAY_URL", t.kind),
          token: need(config.SMS_GATEWAY_TOKEN, "SMS_GATEWAY_TOKEN", t.kind),
          phone: t.phone,
          fetch: fetchFn,
          timeoutMs,
          maxChars: options.smsMaxChars,
        });
      case "webhook":
        return webhookTransportFor(t.url);
    }
  }

  function webhookTransportFor(url: string): Transport<unknown> {
    const secret = need(config.NOTIFY_WEBHOOK_SECRET, "NOTIFY_WEBHOOK_SECRET", "webhook");
    return webhookTransport({ url, secret, fetch: fetchFn, now: timing.now, timeoutMs });
  }

  const deliveryFor = (kind: Kind): DeliveryOptions => ({
    ...BASE,
    rate: KIND_RATE[kind],
    ...options.delivery,
    ...options.perKind?.[kind],
  });

  // One route per distinct target, shared by every audience that lists it.
  const routes = new Map<string, Route>();
  const byAudience = new Map<Audience, Route[]>();
  for (const audience of NOTIFY_AUDIENCES) {
    const list: Route[] = [];
    for (const t of targetsOf(audience)) {
      const key = targetKey(t);
      let route = routes.get(key);
      if (!route) {
        const label = targetLabel(t);
        route = {
          transport: transportFor(t),
          queue: createTargetQueue({ label, options: deliveryFor(t.kind), timing, logger, scrub }),
        };
        routes.set(key, route);
      }
      if (!list.includes(route)) list.push(route);
    }
    byAudience.set(audience, list);
  }

  let unrouted = 0;
  let closed = false;

  /** Remembers the card once for all targets; a failed store is retried by the next attempt. */
  function rememberOnce(card: Card): () => Promise<void> {
    let pending: Promise<void> | null = null;
    return () => {
      pending ??= (remember ? remember(card) : Promise.resolve()).catch((e: unknown) => {
        pending = null;
        throw new TransientError(`could not store card: ${e instanceof Error ? e.message : String(e)}`);
      });
      return pending;
    };
  }

  return {
    async send(notice: Notice) {
      try {
        const targets = byAudience.get(notice.to) ?? [];
        if (!targets.length) {
          unrouted++;
          logger.info({ notice }, `notify ${notice.to}: ${notice.title}`);
          return;
        }
        if (closed) {
          logger.warn({ to: notice.to, title: notice.title }, "notifier closed: notice dropped");
          return;
        }
        let card: Card | undefined;
        if (notice.actions?.length) {
          if (remember) card = noticeCard(notice, timing.now());
          else
            logger.warn(
              { title: notice.title },
              "notice has actions but nothing stores cards: sent without buttons",
            );
        }
        const stored = card ? rememberOnce(card) : null;
        for (const route of targets) {
          const jobs: DeliveryJob[] = route.transport.prepare(notice, card).map((message) => ({
            title: notice.title,
            async run(signal) {
              if (stored) await stored();
              await route.transport.deliver(message, signal);
            },
          }));
          route.queue.push(jobs);
        }
      } catch (e) {
        // The order core calls send fire-and-forget: a rejection here would be unhandled.
        logger.error(
          { err: scrub(e instanceof Error ? e.message : String(e)), title: notice.title },
          "notify failed",
        );
      }
    },
    async flush() {
      const queues = [...routes.values()].map((r) => r.queue);
      while (queues.some((q) => q.stats().queued > 0) && !closed)
        await Promise.all(queues.map((q) => q.idle()));
      await Promise.all(queues.map((q) => q.idle()));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...routes.values()].map((r) => r.queue.close()));
      ownMailer?.close();
    },
    stats: () => ({ unrouted, targets: [...routes.values()].map((r) => r.queue.stats()) }),
  };
}

export type { DeliveryOptions, TargetStats, Timing } from "./delivery.ts";
export { dingtalkSign } from "./dingtalk-custom-robot.ts";
export type { Mailer } from "./email.ts";
export { anchorSignature } from "./webhook.ts";
