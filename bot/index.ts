import type { Hono } from "hono";
import { registerCommands } from "../commands/index.ts";
import type { Deps } from "../src/deps.ts";
import type { Config } from "../src/env.ts";
import type { AppEnv } from "../src/http/middleware.ts";
import type { Clock } from "../src/shared/clock.ts";
import type { Logger } from "../src/shared/logger.ts";
import type { Card } from "./card.ts";
import { type DingtalkAdapter, startDingtalk } from "./dingtalk/adapter.ts";
import { createDingtalkApi } from "./dingtalk/api.ts";
import { type ChatNotifier, createChatNotifier } from "./notifiers/index.ts";
import type { DingtalkApi, WecomApi } from "./platform-clients.ts";
import { type Bot, createBot } from "./router.ts";
import { wecomApiFromConfig, wecomRoutes } from "./wecom/index.ts";

export interface PlatformApis {
  wecom: WecomApi | null;
  dingtalk: DingtalkApi | null;
}

/** The outbound clients the configuration allows; one token cache per app, shared by replies and notices. */
export function platformApis(config: Config, logger: Logger, clock?: Clock): PlatformApis {
  const dingtalk =
    config.DINGTALK_CLIENT_ID && config.DINGTALK_CLIENT_SECRET
      ? createDingtalkApi({
          apiBase: config.DINGTALK_API_BASE,
          clientId: config.DINGTALK_CLIENT_ID,
          clientSecret: config.DINGTALK_CLIENT_SECRET,
          robotCode: config.DINGTALK_ROBOT_CODE ?? config.DINGTALK_CLIENT_ID,
          cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID,
          logger: logger.child({ platform: "dingtalk" }),
          clock,
        })
      : null;
  return { wecom: wecomApiFromConfig(config, logger, clock), dingtalk };
}

/**
 * The notifier the order core gets: chat, email, SMS and webhook targets from NOTIFY_<AUDIENCE>.
 * Cards on notices are remembered through `remember`, bound once the bot exists.
 */
export function chatNotifier(config: Config, logger: Logger, apis: PlatformApis) {
  let remember: ((card: Card) => Promise<void>) | null = null;
  const notifier: ChatNotifier = createChatNotifier({
    config,
    logger: logger.child({ component: "notifier" }),
    wecom: apis.wecom ?? undefined,
    dingtalk: apis.dingtalk ?? undefined,
    remember: async (card) => {
      if (!remember) throw new Error("the chat bot is not ready yet");
      await remember(card);
    },
  });
  return {
    notifier,
    bindBot(bot: Bot) {
      remember = (card) => bot.remember([card]);
    },
  };
}

export interface Chat {
  bot: Bot;
  dingtalk: DingtalkAdapter | null;
  stop(): Promise<void>;
}

/**
 * Builds the bot with every command, mounts /wecom/callback on the app (it answers 503 until
 * WeCom is configured) and starts the DingTalk Stream connection when DingTalk is configured.
 */
export function startChat(args: { deps: Deps; app: Hono<AppEnv>; apis: PlatformApis }): Chat {
  const { deps, app, apis } = args;
  const bot = registerCommands(createBot(deps, { defaultRole: deps.config.CHAT_DEFAULT_ROLE }));
  app.route("/wecom", wecomRoutes({ deps, bot, api: apis.wecom }));
  const dingtalk = apis.dingtalk ? startDingtalk({ deps, bot, api: apis.dingtalk }) : null;
  return {
    bot,
    dingtalk,
    async stop() {
      await dingtalk?.stop();
    },
  };
}
