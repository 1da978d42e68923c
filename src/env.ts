import { z } from "zod";
import { parseDuration, parseSize } from "./shared/duration.ts";
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
  const result = schema.safeParse(env);
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
