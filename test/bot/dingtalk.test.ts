import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type Card, encodeActionKey } from "../../bot/card.ts";
import { type DingtalkAdapter, startDingtalk } from "../../bot/dingtalk/adapter.ts";
import { createDingtalkApi } from "../../bot/dingtalk/api.ts";
import type { StreamOptions } from "../../bot/dingtalk/stream.ts";
import { type Bot, createBot } from "../../bot/router.ts";
import { card, text } from "../../bot/types.ts";
import { setChatUser } from "../../src/chat/users.ts";
import { chatInbox } from "../../src/db/schema/index.ts";
import { manualClock } from "../../src/shared/clock.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { type FakeDingtalk, pause, startFakeDingtalk, waitFor } from "../fakes/dingtalk.ts";
import { settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";

type Tuning = Partial<Omit<StreamOptions, "topics" | "logger">>;

interface Harness {
  fake: FakeDingtalk;
  deps: TestDeps;
  bot: Bot;
  adapter: DingtalkAdapter;
  /** Released by the test to let the 慢 command finish. */
  release: () => void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CARD_ID = "order-A1-k3x9";
const approvalCard: Card = {
  id: CARD_ID,
  kind: "order",
  subject: "A1",
  title: "订单 A1 退款审批",
  fields: [{ label: "金额", value: "¥12.00" }],
  buttons: [
    { text: "同意", style: "primary", action: { id: "test.approve", payload: "A1" } },
    { text: "查看", url: "https://example.com/a1" },
  ],
};
const APPROVE_KEY = encodeActionKey({ id: "test.approve", payload: "A1" });

async function setup(opts: { env?: Record<string, string>; tuning?: Tuning; fake?: FakeDingtalk } = {}) {
  const fake = opts.fake ?? (await startFakeDingtalk());
  cleanups.push(() => fake.close());
  const deps = await testDeps({
    DINGTALK_CLIENT_ID: fake.clientId,
    DINGTALK_CLIENT_SECRET: fake.clientSecret,
    DINGTALK_API_BASE: fake.baseUrl,
    DINGTALK_OAPI_BASE: fake.baseUrl,
    ...opts.env,
  });
  cleanups.push(() => deps.close());
  await addUser(deps, "staff-1", "agent");
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const bot = createBot(deps)
    .command({
      name: "查单",
      aliases: ["order"],
      usage: ["查单 <no>"],
      summary: "test order lookup",
      handle: async (_ctx, { tokens }) => text(`order ${tokens[0]}`),
    })
    .command({
      name: "慢",
      aliases: [],
      usage: ["慢"],
      summary: "waits for the test",
      handle: async () => {
        await gate;
        return text("slow done");
      },
    })
    .command({
      name: "长",
      aliases: [],
      usage: ["长"],
      summary: "long",
      handle: async () => text(longText()),
    })
    .command({
      name: "卡",
      aliases: [],
      usage: ["卡"],
      summary: "a card",
      handle: async () => card(approvalCard),
    })
    .action({ id: "test.approve", roles: ["supervisor"], decide: async () => "ok" });
  const api = createDingtalkApi({
    apiBase: fake.baseUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.clientId,
    cardTemplateId: deps.config.DINGTALK_CARD_TEMPLATE_ID,
    logger: deps.logger,
  });
  const adapter = startDingtalk({
    deps,
    bot,
    api,
    streamOptions: { backoffBaseMs: 20, backoffMaxMs: 160, watchdogMs: 0, ...opts.tuning },
  });
  cleanups.push(async () => {
    release();
    await adapter.stop();
    await settle(deps);
  });
  await waitFor(() => fake.openConns().length === 1, "the first stream connection");
  return { fake, deps, bot, adapter, release } satisfies Harness;
}

async function addUser(deps: TestDeps, userId: string, role: string) {
  await deps.writer.run((tx) => setChatUser(tx, { platform: "dingtalk", userId, role, by: "test", now: T0 }));
}

function longText(): string {
  return Array.from({ length: 600 }, (_, i) => `第 ${i} 行:订单状态已更新`).join("\n");
}

const msgParam = (body: unknown) => JSON.parse((body as { msgParam: string }).msgParam);

describe("DingTalk robot messages over Stream", () => {
  it("acks the frame with the SDK's CALLBACK response and replies once through the session webhook", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-1", content: " 查单 123" }, "cb-1"));

    await waitFor(() => fake.calls("/robot/sendBySession").length === 1, "the webhook reply");
    await settle(deps);
    const [ack] = fake.acks("cb-1");
    expect(ack?.frame).toEqual({
      code: 200,
      headers: { contentType: "application/json", messageId: "cb-1" },
      message: "OK",
      data: JSON.stringify({ response: null }),
    });
    const [reply] = fake.calls("/robot/sendBySession");
    expect(reply?.query.get("session")).toBe("s-1");
    expect(reply?.body).toEqual({ msgtype: "text", text: { content: "order 123" } });
    expect(ack!.seq).toBeLessThan(reply!.seq);
    expect(fake.acks("cb-1")).toHaveLength(1);
    expect(fake.calls("/v1.0/robot/oToMessages/batchSend")).toHaveLength(0);
    expect(fake.tokenCalls).toBe(0);
  });

  it("acks at once while the command is still working", async () => {
    const { fake, deps, release } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-slow", content: "慢" }, "cb-slow"));

    await waitFor(() => fake.acks("cb-slow").length === 1, "the ack");
    await pause(50);
    expect(fake.calls("/robot/sendBySession")).toHaveLength(0);
    release();
    await waitFor(() => fake.calls("/robot/sendBySession").length === 1, "the reply after release");
    await settle(deps);
    expect(fake.calls("/robot/sendBySession")[0]?.body).toEqual({
      msgtype: "text",
      text: { content: "slow done" },
    });
  });

  it("answers a redelivered msgId once, acking every delivery", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-dup", content: "查单 7" }, "cb-a"));
    fake.push(fake.robotMessage({ msgId: "m-dup", content: "查单 7" }, "cb-b"));

    await waitFor(() => fake.acks("cb-a").length + fake.acks("cb-b").length === 2, "both acks");
    await waitFor(() => fake.calls("/robot/sendBySession").length >= 1, "the reply");
    await pause(50);
    await settle(deps);
    expect(fake.calls("/robot/sendBySession")).toHaveLength(1);
  });

  it("acks only once the message is stored: one that cannot be stored stays un-acked for redelivery", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-stored", content: "查单 1" }, "cb-stored"));
    await waitFor(() => fake.acks("cb-stored").length === 1, "the first ack");
    const [row] = await deps.db.select().from(chatInbox).where(eq(chatInbox.dedupeKey, "m-stored"));
    expect(row?.platform).toBe("dingtalk");

    // A real storage fault: the inbox table is gone.
    await deps.writer.run((tx) => tx.run(sql`drop table chat_inbox`));
    fake.push(fake.robotMessage({ msgId: "m-lost", content: "查单 2" }, "cb-lost"));
    fake.push(fake.robotMessage({ msgId: "m-after", content: "查单 3" }, "cb-after"));
    await pause(300);
    await settle(deps);
    expect(fake.acks("cb-lost")).toHaveLength(0);
    expect(fake.acks("cb-after")).toHaveLength(0);
    expect(fake.calls("/robot/sendBySession")).toHaveLength(1);
  });

  it("replies through oToMessages/batchSend once the session webhook has expired", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-exp", content: "查单 9", sessionWebhookExpiredTime: T0 - 1 }));

    await waitFor(() => fake.calls("/v1.0/robot/oToMessages/batchSend").length === 1, "the robot API reply");
    await settle(deps);
    const [sent] = fake.calls("/v1.0/robot/oToMessages/batchSend");
    expect(sent?.body).toMatchObject({
      robotCode: fake.clientId,
      userIds: ["staff-1"],
      msgKey: "sampleText",
    });
    expect(msgParam(sent?.body)).toEqual({ content: "order 9" });
    expect(sent?.headers["x-acs-dingtalk-access-token"]).toMatch(/^tok-/);
    expect(fake.calls("/robot/sendBySession")).toHaveLength(0);
  });

  it("falls back to the robot API when the webhook answers 300001", async () => {
    const { fake, deps } = await setup();
    fake.expireSession("s-dead");
    fake.push(
      fake.robotMessage({ msgId: "m-300001", content: "查单 10", sessionWebhook: fake.webhookUrl("s-dead") }),
    );

    await waitFor(() => fake.calls("/v1.0/robot/oToMessages/batchSend").length === 1, "the fallback");
    await settle(deps);
    expect(fake.calls("/robot/sendBySession")).toHaveLength(1);
    expect(msgParam(fake.calls("/v1.0/robot/oToMessages/batchSend")[0]?.body)).toEqual({
      content: "order 10",
    });
  });

  it("answers a group @mention through groupMessages/send when the webhook is gone", async () => {
    const { fake, deps } = await setup();
    fake.push(
      fake.robotMessage({
        msgId: "m-group",
        content: " @anchorbot 查单 5",
        conversationType: "2",
        conversationId: "cid-group-1",
        sessionWebhookExpiredTime: T0 - 1,
      }),
    );

    await waitFor(() => fake.calls("/v1.0/robot/groupMessages/send").length === 1, "the group reply");
    await settle(deps);
    const [sent] = fake.calls("/v1.0/robot/groupMessages/send");
    expect(sent?.body).toMatchObject({ openConversationId: "cid-group-1", msgKey: "sampleText" });
    expect(msgParam(sent?.body)).toEqual({ content: "order 5" });
  });

  it("never posts to a session webhook outside DINGTALK_OAPI_BASE", async () => {
    const { fake, deps } = await setup();
    const elsewhere = await startFakeDingtalk();
    cleanups.push(() => elsewhere.close());
    fake.push(
      fake.robotMessage({ msgId: "m-ssrf", content: "查单 3", sessionWebhook: elsewhere.webhookUrl("s-1") }),
    );

    await waitFor(() => fake.calls("/v1.0/robot/oToMessages/batchSend").length === 1, "the robot API reply");
    await settle(deps);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("splits a long reply into messages within the byte limit", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-long", content: "长" }));

    await waitFor(() => fake.calls("/robot/sendBySession").length >= 2, "the split reply");
    await pause(50);
    await settle(deps);
    const parts = fake
      .calls("/robot/sendBySession")
      .map((r) => (r.body as { text: { content: string } }).text.content);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(5000);
    expect(parts.join("")).toBe(longText());
  });

  it("survives an unreadable frame and keeps serving the connection", async () => {
    const { fake, deps, adapter } = await setup();
    fake.openConns()[0]?.ws.send("{not json");
    fake.push(fake.robotMessage({ msgId: "m-after-bad", content: "查单 1" }));

    await waitFor(() => fake.calls("/robot/sendBySession").length === 1, "the reply after the bad frame");
    await settle(deps);
    expect(adapter.stream.stats.connects).toBe(1);
  });
});

describe("DingTalk card buttons", () => {
  it("delivers a decision card as an interactive card, runs the click once and updates the card", async () => {
    const { fake, deps } = await setup({ env: { DINGTALK_CARD_TEMPLATE_ID: "tpl-1" } });
    await addUser(deps, "staff-boss", "supervisor");
    fake.push(fake.robotMessage({ msgId: "m-card", content: "卡", senderStaffId: "staff-boss" }));

    await waitFor(() => fake.calls("/v1.0/card/instances/createAndDeliver").length === 1, "the card");
    const [delivered] = fake.calls("/v1.0/card/instances/createAndDeliver");
    const body = delivered?.body as { cardData: { cardParamMap: Record<string, unknown> } };
    expect(body).toMatchObject({
      cardTemplateId: "tpl-1",
      outTrackId: CARD_ID,
      callbackType: "STREAM",
      openSpaceId: "dtv1.card//IM_ROBOT.staff-boss",
    });
    const params = body.cardData.cardParamMap;
    for (const v of Object.values(params)) expect(typeof v).toBe("string");
    expect(JSON.parse(params.buttons as string)).toEqual([
      { text: "同意", key: APPROVE_KEY, style: "primary" },
    ]);
    expect(params.decided).toBe("false");
    expect(fake.calls("/robot/sendBySession")).toHaveLength(0);

    fake.push(fake.cardCallback({ outTrackId: CARD_ID, userId: "staff-boss", key: APPROVE_KEY }, "click-1"));
    await waitFor(() => fake.calls("/v1.0/card/instances", "PUT").length === 1, "the card update");
    await waitFor(() => fake.calls("/v1.0/robot/oToMessages/batchSend").length === 1, "the click reply");
    await settle(deps);

    expect(fake.acks("click-1")[0]?.frame).toMatchObject({
      code: 200,
      data: JSON.stringify({ response: {} }),
    });
    const update = fake.calls("/v1.0/card/instances", "PUT")[0]?.body as {
      outTrackId: string;
      cardData: { cardParamMap: Record<string, string> };
    };
    expect(update.outTrackId).toBe(CARD_ID);
    expect(update.cardData.cardParamMap.decided).toBe("true");
    expect(update.cardData.cardParamMap.buttons).toBe("[]");
    expect(update.cardData.cardParamMap.footer).toContain("ok");
    const reply = fake.calls("/v1.0/robot/oToMessages/batchSend")[0]?.body;
    expect(reply).toMatchObject({ userIds: ["staff-boss"] });
    expect(msgParam(reply).content).toContain("已执行「同意」");

    // The gateway redelivers the same click: acked, nothing runs twice.
    fake.push(fake.cardCallback({ outTrackId: CARD_ID, userId: "staff-boss", key: APPROVE_KEY }, "click-1"));
    await waitFor(() => fake.acks("click-1").length === 2, "the second ack");
    await pause(50);
    await settle(deps);
    expect(fake.calls("/v1.0/card/instances", "PUT")).toHaveLength(1);
    expect(fake.calls("/v1.0/robot/oToMessages/batchSend")).toHaveLength(1);
  });

  it("refuses an agent's click and leaves the card as it is", async () => {
    const { fake, deps, bot } = await setup({ env: { DINGTALK_CARD_TEMPLATE_ID: "tpl-1" } });
    await bot.remember([approvalCard]);
    fake.push(fake.cardCallback({ outTrackId: CARD_ID, userId: "staff-1", key: APPROVE_KEY }));

    await waitFor(() => fake.calls("/v1.0/robot/oToMessages/batchSend").length === 1, "the refusal");
    await settle(deps);
    expect(msgParam(fake.calls("/v1.0/robot/oToMessages/batchSend")[0]?.body).content).toContain("⛔");
    expect(fake.calls("/v1.0/card/instances", "PUT")).toHaveLength(0);
  });

  it("without a card template lists the buttons as 审批 replies in markdown", async () => {
    const { fake, deps } = await setup();
    fake.push(fake.robotMessage({ msgId: "m-card-md", content: "卡" }));

    await waitFor(() => fake.calls("/robot/sendBySession").length === 1, "the markdown card");
    await settle(deps);
    const body = fake.calls("/robot/sendBySession")[0]?.body as {
      msgtype: string;
      markdown: { title: string; text: string };
    };
    expect(body.msgtype).toBe("markdown");
    expect(body.markdown.title).toBe("订单 A1 退款审批");
    expect(body.markdown.text).toContain(`回复「审批 ${CARD_ID} 1」`);
    expect(body.markdown.text).toContain("[查看](https://example.com/a1)");
    expect(fake.calls("/v1.0/card/instances/createAndDeliver")).toHaveLength(0);
  });
});

describe("DingTalk Stream connection", () => {
  it("asks for the ticket at the configured base with the callback subscriptions", async () => {
    const { fake } = await setup();
    const [call] = fake.ticketCalls;
    expect(call?.body).toMatchObject({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      subscriptions: expect.arrayContaining([
        { type: "CALLBACK", topic: "/v1.0/im/bot/messages/get" },
        { type: "CALLBACK", topic: "/v1.0/card/instances/callback" },
      ]),
    });
  });

  it("answers a SYSTEM ping with the same opaque data", async () => {
    const { fake } = await setup();
    const ping = fake.ping("ping-1");
    fake.push(ping);
    await waitFor(() => fake.acks("ping-1").length === 1, "the pong frame");
    expect(fake.acks("ping-1")[0]?.frame).toMatchObject({ code: 200, message: "OK", data: ping.data });
  });

  it("moves to a new connection on SYSTEM disconnect: one new ticket, the old socket closed", async () => {
    const { fake, deps, adapter } = await setup();
    fake.push(fake.disconnect());

    await waitFor(() => fake.conns.length === 2 && fake.conns[0]!.closed, "the replacement connection");
    await pause(200);
    expect(fake.ticketCalls).toHaveLength(2);
    expect(fake.openConns().map((c) => c.id)).toEqual([2]);
    expect(adapter.stream.stats).toMatchObject({ connects: 2, reconnects: 1, state: "open" });

    fake.push(fake.robotMessage({ msgId: "m-after-move", content: "查单 2" }, "cb-moved"));
    await waitFor(() => fake.calls("/robot/sendBySession").length === 1, "a reply over the new connection");
    await settle(deps);
    expect(fake.acks("cb-moved")[0]?.conn).toBe(2);
  });

  it("reconnects once when the gateway drops the socket, not in a storm", async () => {
    const { fake, adapter } = await setup();
    fake.dropAll();

    await waitFor(() => fake.openConns().length === 1 && fake.conns.length === 2, "the reconnect");
    // Longer than the SDK's own 1 s reconnect timer, which must never fire.
    await pause(1_200);
    expect(fake.ticketCalls).toHaveLength(2);
    expect(fake.upgrades).toBe(2);
    expect(adapter.stream.stats).toMatchObject({ connects: 2, reconnects: 1, failures: 0 });
  });

  it("backs off with growing delays, one attempt at a time, while the gateway refuses", async () => {
    const { fake, adapter } = await setup({ tuning: { random: () => 1 } });
    fake.refuseSockets = true;
    fake.dropAll();

    await waitFor(() => adapter.stream.stats.failures >= 5, "five refused attempts");
    const stats = adapter.stream.stats;
    expect(stats.delays.slice(0, 5)).toEqual([20, 40, 80, 160, 160]);
    expect(stats.reconnects).toBe(1);
    // Each attempt is one ticket and one upgrade: no attempt ever forks into two.
    const attempts = fake.ticketCalls.length - 1;
    expect(fake.upgrades - 1).toBe(attempts);
    expect(attempts).toBeGreaterThanOrEqual(stats.failures);
    expect(attempts).toBeLessThanOrEqual(stats.failures + 1);
    // The waits really happen (a lower bound only, so a slow machine cannot fail it).
    const at = fake.ticketCalls.map((c) => c.at);
    expect(at[4]! - at[1]!).toBeGreaterThanOrEqual(40 + 80 + 160 - 5);

    fake.refuseSockets = false;
    await waitFor(() => adapter.stream.stats.state === "open", "the recovery", 5_000);
    expect(fake.openConns()).toHaveLength(1);
    expect(adapter.stream.stats.reconnects).toBe(1);
  });

  it("stops for good: no attempt after stop(), even mid-backoff", async () => {
    const { fake, adapter } = await setup({ tuning: { backoffBaseMs: 40 } });
    fake.refuseSockets = true;
    fake.dropAll();
    await waitFor(() => adapter.stream.stats.failures >= 2, "two refused attempts");

    await adapter.stop();
    const tickets = fake.ticketCalls.length;
    const upgrades = fake.upgrades;
    fake.refuseSockets = false;
    await pause(500);
    expect(fake.ticketCalls).toHaveLength(tickets);
    expect(fake.upgrades).toBe(upgrades);
    expect(fake.openConns()).toHaveLength(0);
    expect(adapter.stream.stats.state).toBe("stopped");
  });

  it("stop() closes an open connection and nothing revives it", async () => {
    const { fake, adapter } = await setup();
    await adapter.stop();
    await waitFor(() => fake.openConns().length === 0, "the socket to close");
    await pause(200);
    expect(fake.ticketCalls).toHaveLength(1);
  });

  it("replaces a silent connection after the watchdog period; pongs keep a quiet one alive", async () => {
    const fake = await startFakeDingtalk();
    fake.silentConnections = 1;
    const { adapter } = await setup({ fake, tuning: { watchdogMs: 300, pingMs: 40 } });

    await waitFor(() => fake.conns.length === 2 && fake.conns[0]!.closed, "the watchdog reconnect");
    await pause(600);
    expect(fake.ticketCalls).toHaveLength(2);
    expect(fake.openConns().map((c) => c.id)).toEqual([2]);
    expect(adapter.stream.stats.reconnects).toBe(1);
  });

  it("counts SYSTEM frames as life when pings are off", async () => {
    const fake = await startFakeDingtalk();
    fake.silentConnections = 1;
    const { adapter } = await setup({ fake, tuning: { watchdogMs: 300, pingMs: 0 } });
    const started = Date.now();
    for (let i = 0; i < 15; i++) {
      fake.push(fake.ping());
      await pause(30);
    }
    // Longer than the watchdog period in total, so only the frames kept it quiet.
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(adapter.stream.stats.reconnects).toBe(0);
    await waitFor(() => adapter.stream.stats.reconnects === 1, "the watchdog once frames stop");
  });
});

describe("DingTalk OpenAPI client", () => {
  it("fetches the token once for concurrent sends and again after it expires", async () => {
    const fake = await startFakeDingtalk({ tokenDelayMs: 50, tokenExpireIn: 7200 });
    cleanups.push(() => fake.close());
    const clock = manualClock(T0);
    const api = createDingtalkApi({
      apiBase: fake.baseUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      robotCode: fake.clientId,
      logger: createLogger("silent"),
      clock,
    });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => api.sendToUsers([`u${i}`], "sampleText", { content: `hi ${i}` })),
    );
    expect(fake.tokenCalls).toBe(1);
    expect(api.tokenFetches).toBe(1);
    const sent = fake.calls("/v1.0/robot/oToMessages/batchSend");
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((r) => r.headers["x-acs-dingtalk-access-token"])).size).toBe(1);
    expect(typeof (sent[0]!.body as { msgParam: unknown }).msgParam).toBe("string");

    clock.advance(7200_000 - 4 * 60_000); // inside the safety margin
    await api.sendToGroup("cid-1", "sampleMarkdown", { title: "t", text: "x" });
    expect(fake.tokenCalls).toBe(2);
  });

  it("drops a rejected token and retries once with a fresh one", async () => {
    const fake = await startFakeDingtalk();
    cleanups.push(() => fake.close());
    const api = createDingtalkApi({
      apiBase: fake.baseUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      robotCode: fake.clientId,
      logger: createLogger("silent"),
    });
    await api.sendToGroup("cid-1", "sampleText", { content: "one" });
    fake.revokeTokens();
    await api.sendToGroup("cid-1", "sampleText", { content: "two" });
    expect(fake.tokenCalls).toBe(2);
    expect(fake.calls("/v1.0/robot/groupMessages/send")).toHaveLength(3);
  });

  it("turns an OpenAPI error into a PlatformError without leaking the secret", async () => {
    const fake = await startFakeDingtalk();
    cleanups.push(() => fake.close());
    const api = createDingtalkApi({
      apiBase: fake.baseUrl,
      clientId: fake.clientId,
      clientSecret: "wrong-secret-value",
      robotCode: fake.clientId,
      logger: createLogger("silent"),
    });
    const err = await api.sendToUsers(["u"], "sampleText", { content: "x" }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "PlatformError",
      platform: "dingtalk",
      code: "invalidClientIdOrSecret",
    });
    expect(String((err as Error).message)).not.toContain("wrong-secret-value");
  });
});
