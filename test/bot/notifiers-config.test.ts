import { describe, expect, it } from "vitest";
import { createChatNotifier } from "../../bot/notifiers/index.ts";
import { targetLabel } from "../../bot/notifiers/targets.ts";
import { ConfigError, parseEnv } from "../../src/env.ts";
import { createLogger } from "../../src/shared/logger.ts";

function configError(env: Record<string, string>): string {
  try {
    parseEnv(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return expect.unreachable("parseEnv accepted it");
}

const WECOM = { WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_SECRET: "s" };
const SMTP = { SMTP_URL: "smtp://bot:pw@mail.example.com:587", SMTP_FROM: "bot@example.com" };

describe("NOTIFY_<AUDIENCE> parsing", () => {
  it("reads every target kind from a comma-separated list", () => {
    const c = parseEnv({
      ...WECOM,
      ...SMTP,
      DINGTALK_CLIENT_ID: "id",
      DINGTALK_CLIENT_SECRET: "secret",
      DINGTALK_ROBOT_CODE: "ding1",
      SMS_GATEWAY_URL: "https://sms.example.com/send",
      SMS_GATEWAY_TOKEN: "tok",
      NOTIFY_WEBHOOK_SECRET: "0123456789abcdef",
      NOTIFY_OPS:
        "wecom-app:zhangsan|lisi, wecom-robot:key-1 ,dingtalk-user:staff1, dingtalk-group:cidABC==," +
        "dingtalk-robot:tok123@SECabc, email:ops@example.com, sms:+8613800000000, webhook:https://hooks.example.com/x",
      NOTIFY_CS_LEAD: "wecom-app:@all",
    });
    expect(c.NOTIFY_OPS).toEqual([
      { kind: "wecom-app", users: ["zhangsan", "lisi"] },
      { kind: "wecom-robot", key: "key-1" },
      { kind: "dingtalk-user", userIds: ["staff1"] },
      { kind: "dingtalk-group", openConversationId: "cidABC==" },
      { kind: "dingtalk-robot", accessToken: "tok123", secret: "SECabc" },
      { kind: "email", address: "ops@example.com" },
      { kind: "sms", phone: "+8613800000000" },
      { kind: "webhook", url: "https://hooks.example.com/x" },
    ]);
    expect(c.NOTIFY_CS_LEAD).toEqual([{ kind: "wecom-app", users: ["@all"] }]);
    expect(c.NOTIFY_MANAGERS).toEqual([]);
  });

  it("names the variable and the kind for an unknown target", () => {
    const msg = configError({ NOTIFY_MANAGERS: "wecom-robot:k, slack:T000/B000" });
    expect(msg).toContain("NOTIFY_MANAGERS");
    expect(msg).toContain('unknown target kind "slack"');
  });

  it("says which settings a target kind needs", () => {
    const msg = configError({ NOTIFY_FINANCE: "email:cfo@example.com", NOTIFY_OPS: "sms:13800000000" });
    expect(msg).toMatch(/NOTIFY_FINANCE: email targets need SMTP_URL, SMTP_FROM/);
    expect(msg).toMatch(/NOTIFY_OPS: sms targets need SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN/);
  });

  it("rejects a custom robot without its SEC secret, a plain-http webhook and an empty value", () => {
    const msg = configError({
      NOTIFY_OPS: "dingtalk-robot:tok123",
      NOTIFY_WAREHOUSE: "webhook:http://hooks.example.com/x",
      NOTIFY_PURCHASING: "wecom-robot:",
    });
    expect(msg).toMatch(/NOTIFY_OPS: dingtalk-robot expects <access_token>@<SEC… secret>/);
    expect(msg).toMatch(/NOTIFY_WAREHOUSE: webhook expects an https:\/\/ URL/);
    expect(msg).toMatch(/NOTIFY_PURCHASING: "wecom-robot" needs a value/);
  });

  it("checks SMTP_URL and the webhook secret's length", () => {
    const msg = configError({ SMTP_URL: "https://mail.example.com", NOTIFY_WEBHOOK_SECRET: "short" });
    expect(msg).toContain("SMTP_URL");
    expect(msg).toContain("NOTIFY_WEBHOOK_SECRET");
  });

  it("allows plain http only for a webhook on this machine", () => {
    const c = parseEnv({
      NOTIFY_WEBHOOK_SECRET: "0123456789abcdef",
      NOTIFY_OPS: "webhook:http://127.0.0.1:9/x",
    });
    expect(c.NOTIFY_OPS).toEqual([{ kind: "webhook", url: "http://127.0.0.1:9/x" }]);
  });
});

describe("createChatNotifier wiring", () => {
  const logger = createLogger("silent");

  it("refuses WeCom app targets without a WeCom client", () => {
    const config = parseEnv({ ...WECOM, NOTIFY_OPS: "wecom-app:zhangsan" });
    expect(() => createChatNotifier({ config, logger })).toThrow(
      /wecom-app notify targets need a WeCom client/,
    );
  });

  it("gives a robot listed under two audiences one queue, so its rate limit is shared", async () => {
    const config = parseEnv({
      NOTIFY_OPS: "wecom-robot:aaaa1111",
      NOTIFY_MANAGERS: "wecom-robot:aaaa1111, wecom-robot:bbbb2222",
    });
    const n = createChatNotifier({ config, logger });
    expect(n.stats().targets.map((t) => t.target)).toEqual(["wecom-robot:aaaa…", "wecom-robot:bbbb…"]);
    await n.close();
  });

  it("labels targets without their secrets", () => {
    expect(targetLabel({ kind: "wecom-robot", key: "abcd1234-5678" })).toBe("wecom-robot:abcd…");
    expect(targetLabel({ kind: "dingtalk-robot", accessToken: "tok1234567", secret: "SECxyz" })).toBe(
      "dingtalk-robot:tok1…",
    );
    expect(targetLabel({ kind: "sms", phone: "13800001234" })).toBe("sms:138****1234");
    expect(targetLabel({ kind: "email", address: "ops@example.com" })).toBe("email:o…@example.com");
    expect(targetLabel({ kind: "webhook", url: "https://hooks.example.com/T0/B0/secret" })).toBe(
      "webhook:https://hooks.example.com/…",
    );
  });
});
