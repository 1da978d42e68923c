import { z } from "zod";
import { parseHealthSettings } from "./health/config.ts";
import { parseDuration, parseSize } from "./shared/duration.ts";
import type { Audience } from "./shared/notifier.ts";
import { SOURCE_NAMES, type SourceName } from "./sources/types.ts";

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === null || ms <= 0) {
        ctx.addIssue({ code: "custom", message: `expected a duration like 15m, 72h or 300s, got "${v}"` });
        return z.NEVER;
      }
      return ms;
    });

const ratio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);
const url = (fallback: string) => z.url().default(fallback);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** Where a notice for one audience goes; see NOTIFY_<AUDIENCE> below. */
export type NotifyTarget =
  | { kind: "wecom-app"; users: string[] }
  | { kind: "wecom-robot"; key: string }
  | { kind: "dingtalk-user"; userIds: string[] }
  | { kind: "dingtalk-group"; openConversationId: string }
  | { kind: "dingtalk-robot"; accessToken: string; secret: string }
  | { kind: "email"; address: string }
  | { kind: "sms"; phone: string }
  | { kind: "webhook"; url: string };

export const NOTIFY_AUDIENCES = [
  "ops",
  "purchasing",
  "warehouse",
  "cs_lead",
  "finance",
  "managers",
  "supervisors",
  "owner",
  "integration",
] as const satisfies readonly Audience[];

export interface EscalationStep {
  audience: Audience;
  /** How long the step waits for a decision before the next is told; null on the last step. */
  waitMs: number | null;
}

/** "managers:10m,supervisors:10m,owner" → who gets a P1 card first, and who next if nobody acts. */
const escalation = z
  .string()
  .default("managers:10m,supervisors:10m,owner")
  .transform((v, ctx) => {
    const steps: EscalationStep[] = [];
    const items = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    items.forEach((item, i) => {
      const [who = "", wait] = item.split(":").map((s) => s.trim());
      if (!(NOTIFY_AUDIENCES as readonly string[]).includes(who)) {
        ctx.addIssue({
          code: "custom",
          message: `"${who}" is not an audience (${NOTIFY_AUDIENCES.join(", ")})`,
        });
        return;
      }
      const last = i === items.length - 1;
      const ms = wait === undefined ? null : parseDuration(wait);
      if (!last && (ms === null || ms <= 0)) {
        ctx.addIssue({
          code: "custom",
          message: `"${item}" needs a wait before the next step, e.g. ${who}:10m`,
        });
        return;
      }
      steps.push({ audience: who as Audience, waitMs: last ? null : ms });
    });
    if (steps.length === 0)
      ctx.addIssue({ code: "custom", message: "needs at least one audience, e.g. managers" });
    return steps;
  });

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** One `kind:value` item of a NOTIFY_<AUDIENCE> list → a target, or a message saying what is wrong. */
function parseNotifyTarget(item: string): NotifyTarget | string {
  const i = item.indexOf(":");
  const kind = i < 0 ? item : item.slice(0, i);
  const value = i < 0 ? "" : item.slice(i + 1).trim();
  if (!value) return `"${kind}" needs a value after the colon`;
  switch (kind) {
    case "wecom-app":
      return { kind, users: value.split("|").filter(Boolean) };
    case "wecom-robot":
      return { kind, key: value };
    case "dingtalk-user":
      return { kind, userIds: value.split("|").filter(Boolean) };
    case "dingtalk-group":
      return { kind, openConversationId: value };
    case "dingtalk-robot": {
      // Tokens never contain "@"; the 加签 secret always starts with SEC.
      const at = value.indexOf("@");
      const secret = at < 0 ? "" : value.slice(at + 1);
      if (at <= 0 || !secret.startsWith("SEC")) return "dingtalk-robot expects <access_token>@<SEC… secret>";
      return { kind, accessToken: value.slice(0, at), secret };
    }
    case "email":
      return z.email().safeParse(value).success
        ? { kind, address: value }
        : `"${value}" is not an email address`;
    case "sms":
      return /^\+?\d{5,20}$/.test(value) ? { kind, phone: value } : "sms expects a phone number";
    case "webhook": {
      const u = URL.canParse(value) ? new URL(value) : null;
      // Plain http only for a receiver on this machine; anything else carries notices over the internet.
      if (!u || !(u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.test(u.hostname)))) {
        return "webhook expects an https:// URL";
      }
      return { kind, url: value };
    }
    default:
      return `unknown target kind "${kind}" (expected wecom-app, wecom-robot, dingtalk-user, dingtalk-group, dingtalk-robot, email, sms or webhook)`;
  }
}

/** "wecom-robot:KEY, email:a@b.cn" → targets. Commas separate items, so values cannot contain one. */
const notifyTargets = optional.transform((v, ctx) => {
  const targets: NotifyTarget[] = [];
  for (const item of (v ?? "").split(",").map((s) => s.trim())) {
    if (!item) continue;
    const t = parseNotifyTarget(item);
    if (typeof t === "string") ctx.addIssue({ code: "custom", message: t });
    else targets.push(t);
  }
  return targets;
});

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("file:./data/anchor.db")
    .refine((v) => /^(file:|:memory:$|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(v), {
      message: "expected file:…, :memory:, libsql://…, http(s)://… or ws(s)://…",
    }),
  DATABASE_AUTH_TOKEN: optional,
  DATA_DIR: z.string().default("./data"),
  REDIS_URL: optional.pipe(z.url().optional()),
  API_TOKEN: optional.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  TZ_DISPLAY: z.string().default("Asia/Shanghai"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RESERVE_RATIO: ratio(0.95),
  LOW_STOCK_RATIO: ratio(0.3),
  PAYMENT_TIMEOUT: duration("15m"),
  AFTERSALE_SLA: duration("72h"),
  /** P1 alert cards: who first, and whom to escalate to when nobody decides in time. */
  ALERT_ESCALATION: escalation,
  /** An alert nobody decided is closed as expired after this long (the order stays held). */
  ALERT_EXPIRE: duration("48h"),
  /** Per rule: notices beyond this many an hour are folded into one summary. */
  ALERT_MAX_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** When buyer-paid shipping is refunded: with the refund that completes the order, spread over lines, or never. */
  AFTERSALE_SHIPPING_POLICY: z.enum(["on_full_refund", "proportional", "never"]).default("on_full_refund"),
  /** Points a refunded line used come back as points (true) or are forfeited (false); never as cash. */
  AFTERSALE_POINTS_AS_POINTS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  /** Signs the order QR codes on packing slips; derived from the API token when unset. */
  QR_SECRET: optional.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  WEBHOOK_MAX_SKEW: z.coerce.number().int().min(0).default(300),
  BODY_LIMIT: z
    .string()
    .default("16mb")
    .transform((v, ctx) => {
      const n = parseSize(v);
      if (n === null || n <= 0) {
        ctx.addIssue({ code: "custom", message: `expected a size like 16mb or 2097152, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  /** Interface-health thresholds over the defaults (src/health/config.ts): "size_growth=0.8, silence=10". */
  HEALTH_THRESHOLDS: optional.transform((v, ctx) => {
    const parsed = parseHealthSettings(v);
    if (Array.isArray(parsed)) {
      for (const message of parsed) ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return parsed;
  }),
  SHOPEE_CALLBACK_URL: optional,
  /** WeChat Pay platform public key (PEM; "\n" escapes allowed) and its id (PUB_KEY_ID_… or certificate serial). */
  WECHATPAY_PLATFORM_PUBLIC_KEY: optional.transform((v) => v?.replace(/\\n/g, "\n")),
  WECHATPAY_PLATFORM_PUBLIC_KEY_ID: optional,
  WECHATPAY_APIV3_KEY: optional.pipe(z.string().length(32, "must be the 32-character APIv3 key").optional()),
  WECOM_CORP_ID: optional,
  WECOM_AGENT_ID: optional,
  WECOM_SECRET: optional,
  WECOM_TOKEN: optional,
  WECOM_ENCODING_AES_KEY: optional,
  WECOM_API_BASE: url("https://qyapi.weixin.qq.com"),
  WECOM_MAX_SKEW: z.coerce.number().int().min(0).default(300),
  DINGTALK_CLIENT_ID: optional,
  DINGTALK_CLIENT_SECRET: optional,
  DINGTALK_API_BASE: url("https://api.dingtalk.com"),
  DINGTALK_OAPI_BASE: url("https://oapi.dingtalk.com"),
  /** The robot's code for proactive messages; for an internal app's robot it is the AppKey. */
  DINGTALK_ROBOT_CODE: optional,
  /** Interactive card template (card.dingtalk.com) used for cards with decision buttons. */
  DINGTALK_CARD_TEMPLATE_ID: optional,
  /** Role for chat users nobody mapped yet; unset means they are asked to get added first. */
  CHAT_DEFAULT_ROLE: optional.pipe(
    z
      .enum(["agent", "supervisor", "manager", "ops", "warehouse", "purchasing", "finance", "admin"])
      .optional(),
  ),
  /** Notice targets per audience (bot/notifiers): comma-separated `kind:value` items. */
  NOTIFY_OPS: notifyTargets,
  NOTIFY_PURCHASING: notifyTargets,
  NOTIFY_WAREHOUSE: notifyTargets,
  NOTIFY_CS_LEAD: notifyTargets,
  NOTIFY_FINANCE: notifyTargets,
  NOTIFY_MANAGERS: notifyTargets,
  NOTIFY_SUPERVISORS: notifyTargets,
  NOTIFY_OWNER: notifyTargets,
  NOTIFY_INTEGRATION: notifyTargets,
  /** smtp://user:pass@host:port (or smtps://) for email targets. */
  SMTP_URL: optional.pipe(
    z
      .url()
      .refine((v) => /^smtps?:\/\//.test(v), { message: "expected smtp://user:pass@host:port or smtps://…" })
      .optional(),
  ),
  SMTP_FROM: optional,
  /** HTTP SMS gateway: POST {to, text} with a bearer token. */
  SMS_GATEWAY_URL: optional.pipe(z.url().optional()),
  SMS_GATEWAY_TOKEN: optional,
  /** Key for the X-Anchor-Signature HMAC on webhook targets. */
  NOTIFY_WEBHOOK_SECRET: optional.pipe(z.string().min(16, "must be at least 16 characters").optional()),
});

/** What each target kind needs besides its own value; checked once the fields themselves parse. */
const NOTIFY_NEEDS: Partial<Record<NotifyTarget["kind"], (keyof z.infer<typeof schema>)[]>> = {
  "wecom-app": ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"],
  "dingtalk-user": ["DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET", "DINGTALK_ROBOT_CODE"],
  "dingtalk-group": ["DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET", "DINGTALK_ROBOT_CODE"],
  email: ["SMTP_URL", "SMTP_FROM"],
  sms: ["SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN"],
  webhook: ["NOTIFY_WEBHOOK_SECRET"],
};

export function notifyVariable(audience: Audience): `NOTIFY_${Uppercase<Audience>}` {
  return `NOTIFY_${audience.toUpperCase() as Uppercase<Audience>}`;
}

const checkedSchema = schema.superRefine((env, ctx) => {
  for (const audience of NOTIFY_AUDIENCES) {
    const variable = notifyVariable(audience);
    const kinds = new Set(env[variable].map((t) => t.kind));
    for (const kind of kinds) {
      const missing = (NOTIFY_NEEDS[kind] ?? []).filter((k) => !env[k]);
      if (missing.length) {
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: `${kind} targets need ${missing.join(", ")}`,
        });
      }
    }
  }
});

export type Env = z.infer<typeof schema>;
export interface Config extends Env {
  /** SOURCE_SECRET_<SOURCE> values, by source name. */
  sourceSecrets: Partial<Record<SourceName, string>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function parseEnv(env: Record<string, string | undefined>): Config {
  const result = checkedSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const sourceSecrets: Config["sourceSecrets"] = {};
  for (const name of SOURCE_NAMES) {
    const v = env[`SOURCE_SECRET_${name.toUpperCase()}`];
    if (v) sourceSecrets[name] = v;
  }
  return { ...result.data, sourceSecrets };
}
