import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Card, decodeActionKey } from "../../bot/card.ts";
import { dingtalkRobotUrl, dingtalkSign } from "../../bot/notifiers/dingtalk-custom-robot.ts";
import {
  type ChatNotifier,
  type ChatNotifierOptions,
  createChatNotifier,
} from "../../bot/notifiers/index.ts";
import type { DingtalkApi, WecomApi } from "../../bot/platform-clients.ts";
import { PlatformError } from "../../bot/platform-clients.ts";
import { parseEnv } from "../../src/env.ts";
import { createLogger, type Logger } from "../../src/shared/logger.ts";
import type { Notice } from "../../src/shared/notifier.ts";
import {
  fakeDingtalkRobot,
  fakeSmsGateway,
  fakeSmtp,
  fakeWebhookReceiver,
  fakeWecomRobot,
} from "../fakes/notify.ts";
import { manualTiming } from "../fakes/notify-timing.ts";

const ROBOT_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
const DT_TOKEN = "dt-access-token-0001";
const DT_SECRET = "SECc0ffee0123456789abcdef";
const SMS_TOKEN = "sms-gateway-token-42";
const HOOK_SECRET = "hook-secret-0123456789";
const SMTP_PASS = "smtp-p@ss/word";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
/** Retries and backoff in milliseconds, so failing-then-OK targets finish quickly. */
const FAST: ChatNotifierOptions = { delivery: { backoff: { baseMs: 1, maxMs: 4 } } };

const notice = (over: Partial<Notice> = {}): Notice => ({
  to: "ops",
  title: "订单 123 卡在待发货",
  text: "已超过 24 小时未发货\n仓库:杭州一仓",
  severity: "P1",
  subject: "SO-123",
  ...over,
});

const approve: Notice["actions"] = [
  { text: "同意", action: { id: "refund.approve", payload: "SO-123" }, style: "primary" },
  { text: "拒绝", action: { id: "refund.reject", payload: "SO-123" }, style: "danger" },
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function track<T extends { close(): Promise<void> }>(x: T): T {
  cleanups.push(() => x.close());
  return x;
}

function notifier(env: Record<string, string>, rest: Partial<Parameters<typeof createChatNotifier>[0]> = {}) {
  return track(
    createChatNotifier({ config: parseEnv(env), logger: createLogger("silent"), options: FAST, ...rest }),
  ) as ChatNotifier;
}

function capturedLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger("info", stream), text: () => lines.join("") };
}

/** WecomApi / DingtalkApi as the platform would see them: every call, in order, shared with remember(). */
function recordingApis() {
  const calls: { api: string; args: unknown[] }[] = [];
  const wecom: WecomApi = {
    async sendMessage(msg) {
      calls.push({ api: "wecom.sendMessage", args: [msg] });
      return { msgid: "m1", response_code: "rc1" };
    },
    async updateTemplateCard(body) {
      calls.push({ api: "wecom.updateTemplateCard", args: [body] });
    },
  };
  const dingtalk: DingtalkApi = {
    async sendToUsers(userIds, msgKey, msgParam) {
      calls.push({ api: "dingtalk.sendToUsers", args: [userIds, msgKey, msgParam] });
    },
    async sendToGroup(id, msgKey, msgParam) {
      calls.push({ api: "dingtalk.sendToGroup", args: [id, msgKey, msgParam] });
    },
    async deliverCard(input) {
      calls.push({ api: "dingtalk.deliverCard", args: [input] });
    },
    async updateCard(id, map) {
      calls.push({ api: "dingtalk.updateCard", args: [id, map] });
    },
  };
  const remembered: Card[] = [];
  const remember = async (card: Card) => {
    calls.push({ api: "remember", args: [card.id] });
    remembered.push(card);
  };
  return { calls, wecom, dingtalk, remember, remembered };
}

const WECOM_ENV = { WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_SECRET: "corp-secret" };
const DINGTALK_ENV = {
  DINGTALK_CLIENT_ID: "id",
  DINGTALK_CLIENT_SECRET: "secret",
  DINGTALK_ROBOT_CODE: "ding1",
};

describe("DingTalk custom robot 加签", () => {
  it("matches the PLATFORMS B8.2 vector, URL-encoded in the request", () => {
    expect(dingtalkSign("1577262236757", "this is secret")).toBe(
      "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=",
    );
    const url = dingtalkRobotUrl({
      oapiBase: "https://oapi.dingtalk.com/",
      accessToken: "XXX",
      secret: "this is secret",
      timestampMs: 1577262236757,
    });
    expect(url).toBe(
      "https://oapi.dingtalk.com/robot/send?access_token=XXX&timestamp=1577262236757" +
        "&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D",
    );
  });
});

describe("each transport delivers through its protocol", () => {
  it("WeCom group robot: markdown to /cgi-bin/webhook/send with the key", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    const n = notifier({ WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` });
    await n.send(notice());
    await n.flush();
    expect(fake.accepted).toHaveLength(1);
    const { key, content } = fake.accepted[0]!;
    expect(key).toBe(ROBOT_KEY);
    expect(content).toContain("**【P1】订单 123 卡在待发货**");
    expect(content).toContain("单号:SO-123");
    expect(content).toContain("已超过 24 小时未发货\n仓库:杭州一仓");
    expect(n.stats().targets[0]).toMatchObject({ target: "wecom-robot:693a…", sent: 1, failed: 0 });
  });

  it("DingTalk custom robot: signed markdown the fake verifies", async () => {
    const fake = track(await fakeDingtalkRobot({ [DT_TOKEN]: DT_SECRET }));
    const n = notifier({
      DINGTALK_OAPI_BASE: fake.url,
      NOTIFY_OPS: `dingtalk-robot:${DT_TOKEN}@${DT_SECRET}`,
    });
    await n.send(notice());
    await n.flush();
    expect(fake.accepted).toHaveLength(1);
    expect(fake.accepted[0]).toMatchObject({ token: DT_TOKEN, title: "订单 123 卡在待发货" });
    expect(fake.accepted[0]!.text).toContain("仓库:杭州一仓");
  });

  it("DingTalk custom robot: a bad timestamp is refused and not retried", async () => {
    const fake = track(await fakeDingtalkRobot({ [DT_TOKEN]: DT_SECRET }));
    const timing = manualTiming(Date.now() - 2 * 3_600_000);
    const n = notifier(
      { DINGTALK_OAPI_BASE: fake.url, NOTIFY_OPS: `dingtalk-robot:${DT_TOKEN}@${DT_SECRET}` },
      { options: { ...FAST, timing } },
    );
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(1);
    expect(fake.accepted).toHaveLength(0);
    expect(n.stats().targets[0]).toMatchObject({ sent: 0, failed: 1, retries: 0 });
  });

  it("SMS gateway: POST {to, text} with the bearer token, one short segment", async () => {
    const fake = track(await fakeSmsGateway(SMS_TOKEN));
    const n = notifier({
      SMS_GATEWAY_URL: `${fake.url}/send`,
      SMS_GATEWAY_TOKEN: SMS_TOKEN,
      NOTIFY_OPS: "sms:13800001234",
    });
    await n.send(notice({ text: `${"很长的说明".repeat(30)}\n第二行不发` }));
    await n.flush();
    expect(fake.accepted).toHaveLength(1);
    const sms = fake.accepted[0]!;
    expect(sms.to).toBe("13800001234");
    expect(sms.text.startsWith("[P1]订单 123 卡在待发货:很长的说明")).toBe(true);
    expect([...sms.text].length).toBeLessThanOrEqual(70);
    expect(sms.text).not.toContain("第二行");
  });

  it("webhook: the notice as JSON, signed; a retry keeps its delivery id", async () => {
    const fake = track(await fakeWebhookReceiver(HOOK_SECRET));
    fake.failNext(1, "error");
    const n = notifier({ NOTIFY_WEBHOOK_SECRET: HOOK_SECRET, NOTIFY_FINANCE: `webhook:${fake.url}/anchor` });
    const sent = notice({ to: "finance" });
    await n.send(sent);
    await n.flush();
    expect(fake.accepted).toHaveLength(1);
    expect(fake.accepted[0]!.body).toEqual(sent);
    const ids = fake.requests.map((r) => r.headers["x-anchor-delivery"]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBeTruthy();
    expect(ids[1]).toBe(ids[0]);
  });

  it("webhook: a receiver that cannot verify the signature refuses it, and we do not retry", async () => {
    const fake = track(await fakeWebhookReceiver("another-secret-0123456"));
    const n = notifier({ NOTIFY_WEBHOOK_SECRET: HOOK_SECRET, NOTIFY_OPS: `webhook:${fake.url}/anchor` });
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(1);
    expect(fake.accepted).toHaveLength(0);
    expect(n.stats().targets[0]).toMatchObject({ failed: 1 });
  });

  it("email: SMTP with the URL's credentials; a 451 is retried, a 550 is not", async () => {
    const smtp = await fakeSmtp("bot", SMTP_PASS);
    cleanups.push(smtp.close);
    const n = notifier({
      SMTP_URL: smtp.url(),
      SMTP_FROM: "anchorbot@example.com",
      NOTIFY_MANAGERS: "email:boss@example.com",
    });
    smtp.rejectRcpt(451);
    await n.send(
      notice({
        to: "managers",
        title: "Order 123 stuck",
        subject: "SO-123",
        text: "Not shipped for 24 hours.",
      }),
    );
    await n.flush();
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m).toMatchObject({ user: "bot", from: "anchorbot@example.com", to: ["boss@example.com"] });
    // Non-ASCII subjects are RFC 2047 encoded; this one is ASCII so it can be read as is.
    expect(m.raw).toContain("Subject: [P1] Order 123 stuck - SO-123");
    expect(m.raw).toContain("Not shipped for 24 hours.");
    expect(smtp.rcptAttempts()).toBe(2);

    smtp.rejectRcpt(550);
    await n.send(notice({ to: "managers", title: "Second" }));
    await n.flush();
    expect(smtp.rcptAttempts()).toBe(3);
    expect(smtp.messages).toHaveLength(1);
    expect(n.stats().targets[0]).toMatchObject({ sent: 1, failed: 1, retries: 1 });
  });

  it("WeCom app: markdown to the listed members", async () => {
    const apis = recordingApis();
    const n = notifier(
      { ...WECOM_ENV, NOTIFY_WAREHOUSE: "wecom-app:zhangsan, wecom-app:lisi" },
      { wecom: apis.wecom, remember: apis.remember },
    );
    await n.send(notice({ to: "warehouse" }));
    await n.flush();
    expect(apis.calls).toHaveLength(1);
    const msg = apis.calls[0]!.args[0] as { touser: string; msgtype: string; markdown: { content: string } };
    expect(msg.touser).toBe("zhangsan|lisi");
    expect(msg.msgtype).toBe("markdown");
    expect(msg.markdown.content).toContain("订单 123 卡在待发货");
  });

  it("WeCom app: a notice with actions becomes a button_interaction card, remembered before it is sent", async () => {
    const apis = recordingApis();
    const n = notifier(
      { ...WECOM_ENV, NOTIFY_OPS: "wecom-app:zhangsan" },
      { wecom: apis.wecom, remember: apis.remember },
    );
    await n.send(notice({ actions: approve }));
    await n.flush();
    expect(apis.calls.map((c) => c.api)).toEqual(["remember", "wecom.sendMessage"]);
    const card = apis.remembered[0]!;
    const msg = apis.calls[1]!.args[0] as { msgtype: string; template_card: Record<string, unknown> };
    expect(msg.msgtype).toBe("template_card");
    const tc = msg.template_card as {
      card_type: string;
      task_id: string;
      main_title: { title: string };
      button_list: { text: string; key: string }[];
    };
    expect(tc.card_type).toBe("button_interaction");
    expect(tc.task_id).toBe(card.id);
    expect(tc.task_id).toMatch(/^[0-9A-Za-z_\-@]{1,128}$/);
    expect(tc.main_title.title).toBe("订单 123 卡在待发货");
    expect(tc.button_list.map((b) => [b.text, decodeActionKey(b.key)])).toEqual([
      ["同意", { id: "refund.approve", payload: "SO-123" }],
      ["拒绝", { id: "refund.reject", payload: "SO-123" }],
    ]);
  });

  it("DingTalk app robot: sampleMarkdown to users and groups, buttons as 审批 replies", async () => {
    const apis = recordingApis();
    const n = notifier(
      { ...DINGTALK_ENV, NOTIFY_PURCHASING: "dingtalk-user:staff1|staff2, dingtalk-group:cid42" },
      { dingtalk: apis.dingtalk, remember: apis.remember },
    );
    await n.send(notice({ to: "purchasing", actions: approve }));
    await n.flush();
    const card = apis.remembered[0]!;
    expect(apis.remembered).toHaveLength(1);
    const users = apis.calls.find((c) => c.api === "dingtalk.sendToUsers")!;
    const group = apis.calls.find((c) => c.api === "dingtalk.sendToGroup")!;
    expect(users.args.slice(0, 2)).toEqual([["staff1", "staff2"], "sampleMarkdown"]);
    expect(group.args.slice(0, 2)).toEqual(["cid42", "sampleMarkdown"]);
    const param = users.args[2] as { title: string; text: string };
    expect(param.title).toBe("订单 123 卡在待发货");
    expect(param.text).toContain("[1] 同意");
    expect(param.text).toContain("[2] 拒绝");
    expect(param.text).toContain(`回复「审批 ${card.id} <序号>」`);
    expect(apis.calls.findIndex((c) => c.api === "remember")).toBe(0);
  });

  it("a robot without callbacks shows the buttons as text with the card id", async () => {
    const apis = recordingApis();
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    const n = notifier(
      { WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` },
      { remember: apis.remember },
    );
    await n.send(notice({ actions: approve }));
    await n.flush();
    const id = apis.remembered[0]!.id;
    expect(fake.accepted[0]!.content).toContain(`[1] 同意\n[2] 拒绝\n回复「审批 ${id} <序号>」处理`);
  });
});

describe("delivery", () => {
  it("never sends a robot more than its limit in any window, and delivers all, in order", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    const windowMs = 300;
    const n = notifier(
      { WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` },
      { options: { ...FAST, perKind: { "wecom-robot": { rate: { limit: 20, windowMs } } } } },
    );
    for (let i = 1; i <= 25; i++) void n.send(notice({ title: `notice ${i}` }));
    await n.flush();
    expect(fake.accepted.map((m) => m.content.match(/notice (\d+)/)?.[1])).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i + 1)),
    );
    const at = fake.requests.map((r) => r.at);
    // Any 21 consecutive requests span at least one window, i.e. no window holds 21.
    for (let i = 0; i + 20 < at.length; i++) expect(at[i + 20]! - at[i]!).toBeGreaterThanOrEqual(windowMs);
  });

  it("retries a target failing twice, then delivers the message once", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    fake.failNext(1, "error");
    fake.failNext(1, "drop");
    const n = notifier({ WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` });
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(3);
    expect(fake.accepted).toHaveLength(1);
    expect(n.stats().targets[0]).toMatchObject({ sent: 1, retries: 2, failed: 0 });
  });

  it("retries the platform's rate-limit answer", async () => {
    const fake = track(await fakeDingtalkRobot({ [DT_TOKEN]: DT_SECRET }));
    fake.failNext(2, "rate-limit");
    const n = notifier({
      DINGTALK_OAPI_BASE: fake.url,
      NOTIFY_OPS: `dingtalk-robot:${DT_TOKEN}@${DT_SECRET}`,
    });
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(3);
    expect(fake.accepted).toHaveLength(1);
  });

  it("does not retry a permanent error", async () => {
    const fake = track(await fakeWecomRobot(["another-key"]));
    const n = notifier({ WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` });
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(1);
    expect(n.stats().targets[0]).toMatchObject({ sent: 0, failed: 1, retries: 0 });
  });

  it("gives up after maxAttempts", async () => {
    const fake = track(await fakeSmsGateway(SMS_TOKEN));
    fake.failNext(10, "rate-limit");
    const n = notifier(
      { SMS_GATEWAY_URL: `${fake.url}/send`, SMS_GATEWAY_TOKEN: SMS_TOKEN, NOTIFY_OPS: "sms:13800001234" },
      { options: { delivery: { maxAttempts: 3, backoff: { baseMs: 1, maxMs: 2 } } } },
    );
    await n.send(notice());
    await n.flush();
    expect(fake.requests).toHaveLength(3);
    expect(n.stats().targets[0]).toMatchObject({ sent: 0, failed: 1, retries: 2 });
  });

  it("opens the circuit after K failures, tries once per cool-down, and closes when the target is back", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    fake.setDown(true);
    const timing = manualTiming();
    const coolDownMs = 60_000;
    const n = notifier(
      { WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` },
      {
        options: {
          timing,
          delivery: {
            maxAttempts: 10,
            backoff: { baseMs: 0, maxMs: 0 },
            breaker: { threshold: 3, coolDownMs },
          },
        },
      },
    );
    const breaker = () => n.stats().targets[0]!.breaker;
    await n.send(notice({ title: "A" }));
    await vi.waitFor(() => expect(timing.sleeping()).toBe(1));
    expect(fake.requests).toHaveLength(3);
    expect(breaker()).toBe("open");

    // More notices wait behind the open breaker; the dead robot sees nothing until the cool-down ends.
    await n.send(notice({ title: "B" }));
    await n.send(notice({ title: "C" }));
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests).toHaveLength(3);
    expect(n.stats().targets[0]!.queued).toBe(3);

    // Half-open: exactly one trial, which fails, and the breaker opens again.
    timing.advance(coolDownMs);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(4));
    await vi.waitFor(() => expect(timing.sleeping()).toBe(1));
    expect(breaker()).toBe("open");
    expect(fake.requests).toHaveLength(4);

    fake.setDown(false);
    timing.advance(coolDownMs);
    await n.flush();
    expect(fake.accepted.map((m) => m.content.match(/\*\*【P1】(\w)\*\*/)?.[1])).toEqual(["A", "B", "C"]);
    expect(fake.requests).toHaveLength(7);
    expect(breaker()).toBe("closed");
    expect(n.stats().targets[0]).toMatchObject({ sent: 3, failed: 0 });
  });

  it("a dead target does not hold up the audience's other targets", async () => {
    const dead = track(await fakeSmsGateway(SMS_TOKEN));
    dead.setDown(true);
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    const timing = manualTiming();
    const n = notifier(
      {
        WECOM_API_BASE: fake.url,
        SMS_GATEWAY_URL: `${dead.url}/send`,
        SMS_GATEWAY_TOKEN: SMS_TOKEN,
        NOTIFY_OPS: `sms:13800001234, wecom-robot:${ROBOT_KEY}`,
      },
      { options: { timing, delivery: { backoff: { baseMs: 60_000, maxMs: 60_000 } } } },
    );
    await n.send(notice({ title: "A" }));
    await n.send(notice({ title: "B" }));
    await vi.waitFor(() => expect(fake.accepted).toHaveLength(2));
    expect(dead.requests).toHaveLength(1);
  });

  it("splits long text into numbered parts within each platform's limit, in order", async () => {
    const apis = recordingApis();
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    const dt = track(await fakeDingtalkRobot({ [DT_TOKEN]: DT_SECRET }));
    const n = notifier(
      {
        ...WECOM_ENV,
        WECOM_API_BASE: fake.url,
        DINGTALK_OAPI_BASE: dt.url,
        NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}, wecom-app:zhangsan, dingtalk-robot:${DT_TOKEN}@${DT_SECRET}`,
      },
      { wecom: apis.wecom },
    );
    const lines = Array.from({ length: 300 }, (_, i) => `第 ${i} 行:库存不足 🙂 SKU-${i}`);
    const text = lines.join("\n");
    await n.send(notice({ text }));
    await n.flush();

    const check = (parts: string[], max: number) => {
      expect(parts.length).toBeGreaterThan(1);
      const bodies = parts.map((p, i) => {
        expect(bytes(p)).toBeLessThanOrEqual(max);
        const mark = `(${i + 1}/${parts.length})\n`;
        expect(p.startsWith(mark)).toBe(true);
        return p.slice(mark.length);
      });
      expect(bodies.join("")).toContain(text);
    };
    check(
      fake.accepted.map((m) => m.content),
      4096,
    );
    check(
      apis.calls.map((c) => (c.args[0] as { markdown: { content: string } }).markdown.content),
      2048,
    );
    check(
      dt.accepted.map((m) => m.text),
      4096,
    );
    expect(dt.accepted[0]!.title).toMatch(/^订单 123 卡在待发货 \(1\/\d+\)$/);
  });
});

describe("the notifier", () => {
  it("logs notices for an audience without targets, like loggedNotifier", async () => {
    const log = capturedLogger();
    const n = track(createChatNotifier({ config: parseEnv({}), logger: log.logger }));
    await n.send(notice({ to: "cs_lead", title: "客户投诉升级" }));
    expect(log.text()).toContain("notify cs_lead: 客户投诉升级");
    expect(n.stats().unrouted).toBe(1);
  });

  it("send resolves at once and never rejects, even when delivery fails or after close", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    fake.setDown(true);
    const timing = manualTiming();
    const n = notifier(
      { WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` },
      { options: { timing } },
    );
    await expect(n.send(notice())).resolves.toBeUndefined();
    await n.close();
    await expect(n.send(notice())).resolves.toBeUndefined();
    expect(n.stats().targets[0]!.dropped).toBe(1);
  });

  it("a card store failure is retried, and nothing is sent before the card is stored", async () => {
    const fake = track(await fakeWecomRobot([ROBOT_KEY]));
    let calls = 0;
    const stored: string[] = [];
    const n = notifier(
      { WECOM_API_BASE: fake.url, NOTIFY_OPS: `wecom-robot:${ROBOT_KEY}` },
      {
        remember: async (card) => {
          if (++calls === 1) throw new Error("database is locked");
          stored.push(card.id);
        },
      },
    );
    await n.send(notice({ actions: approve }));
    await n.flush();
    expect(calls).toBe(2);
    expect(fake.requests).toHaveLength(1);
    expect(fake.accepted[0]!.content).toContain(`审批 ${stored[0]} 1`);
  });

  it("never writes keys, tokens or passwords to the log", async () => {
    const robot = track(await fakeWecomRobot(["some-other-key"]));
    const dt = track(await fakeDingtalkRobot({ [DT_TOKEN]: "SECnot-the-same" }));
    const sms = track(await fakeSmsGateway("another-token"));
    const hook = track(await fakeWebhookReceiver("another-secret-0123456"));
    const smtp = await fakeSmtp("bot", "different-password");
    cleanups.push(smtp.close);
    const log = capturedLogger();
    const n = track(
      createChatNotifier({
        config: parseEnv({
          WECOM_API_BASE: robot.url,
          DINGTALK_OAPI_BASE: dt.url,
          SMS_GATEWAY_URL: `${sms.url}/send`,
          SMS_GATEWAY_TOKEN: SMS_TOKEN,
          NOTIFY_WEBHOOK_SECRET: HOOK_SECRET,
          SMTP_URL: smtp.url("bot", SMTP_PASS),
          SMTP_FROM: "anchorbot@example.com",
          NOTIFY_OPS: [
            `wecom-robot:${ROBOT_KEY}`,
            `dingtalk-robot:${DT_TOKEN}@${DT_SECRET}`,
            "sms:13800001234",
            `webhook:${hook.url}/hook/${HOOK_SECRET.slice(0, 12)}`,
            "email:ops@example.com",
          ].join(","),
        }),
        logger: log.logger,
        options: FAST,
      }),
    );
    await n.send(notice());
    await n.flush();
    expect(n.stats().targets.map((t) => t.failed)).toEqual([1, 1, 1, 1, 1]);
    const text = log.text();
    // The robot's error answer quotes the key; the log line must not.
    expect(text).toContain("invalid webhook url");
    expect(text).toContain("wecom-robot:693a…");
    for (const secret of [
      ROBOT_KEY,
      DT_TOKEN,
      DT_SECRET,
      SMS_TOKEN,
      HOOK_SECRET,
      HOOK_SECRET.slice(0, 12),
      SMTP_PASS,
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  });
});

describe("PlatformError passthrough", () => {
  it("a non-retryable client error from the DingTalk API is not retried", async () => {
    let calls = 0;
    const dingtalk: DingtalkApi = {
      ...recordingApis().dingtalk,
      async sendToUsers() {
        calls++;
        throw new PlatformError("dingtalk", "staffId.notExisted", "invalid userId", false);
      },
    };
    const n = notifier({ ...DINGTALK_ENV, NOTIFY_OPS: "dingtalk-user:nobody" }, { dingtalk });
    await n.send(notice());
    await n.flush();
    expect(calls).toBe(1);
    expect(n.stats().targets[0]).toMatchObject({ failed: 1, retries: 0 });
  });
});
