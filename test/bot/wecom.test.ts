import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { type Card, encodeActionKey } from "../../bot/card.ts";
import { type Bot, createBot } from "../../bot/router.ts";
import { text } from "../../bot/types.ts";
import { createWecomApi } from "../../bot/wecom/client.ts";
import { wecomRoutes } from "../../bot/wecom/routes.ts";
import { createApp } from "../../src/app.ts";
import { setChatUser } from "../../src/chat/users.ts";
import { cardDecisions, chatInbox } from "../../src/db/schema/index.ts";
import { createLogger } from "../../src/shared/logger.ts";
import {
  type CallbackKeys,
  cardEventXml,
  encryptedPost,
  encryptFor,
  type FakeQyapi,
  newEncodingAesKey,
  outerXml,
  signedQuery,
  startFakeQyapi,
  textMessageXml,
  verificationPath,
} from "../fakes/qyapi.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";

const CORP_ID = "ww1436e0e65a779aee";
const SECRET = "app-secret-Zq81XmWv3Lk0";
const BASE = "/wecom/callback";

interface World {
  deps: TestDeps;
  app: ReturnType<typeof createApp>;
  bot: Bot;
  fake: FakeQyapi;
  keys: CallbackKeys;
  logs: () => string;
  decided: string[];
  release: () => void;
  /** Unix seconds of the manual clock: a fresh timestamp. */
  ts: () => string;
}

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    w.release();
    await w.deps.close();
    await w.fake.close();
  }
});

async function world(env: Record<string, string> = {}): Promise<World> {
  const keys = { token: "QDG6eK3bWn", encodingAesKey: newEncodingAesKey(), corpId: CORP_ID };
  const fake = await startFakeQyapi({ corpId: CORP_ID, secret: SECRET, gettokenDelayMs: 20 });
  const deps = await testDeps({
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: "1000002",
    WECOM_SECRET: SECRET,
    WECOM_TOKEN: keys.token,
    WECOM_ENCODING_AES_KEY: keys.encodingAesKey,
    WECOM_API_BASE: fake.url,
    ...env,
  });
  let logged = "";
  deps.logger = createLogger(
    "debug",
    new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    }),
  );
  const decided: string[] = [];
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const bot = createBot(deps)
    .command({
      name: "查单",
      aliases: ["order"],
      usage: ["查单 <订单号>"],
      summary: "test lookup",
      handle: async (_ctx, { tokens }) => text(`订单 ${tokens[0] ?? "?"} 已发货`),
    })
    .command({
      name: "长文",
      aliases: [],
      usage: ["长文"],
      summary: "a long answer",
      handle: async () => text("订单明细行。".repeat(400)),
    })
    .command({
      name: "等待",
      aliases: [],
      usage: ["等待"],
      summary: "answers once the test lets it",
      handle: async () => {
        await gate;
        return text("好了");
      },
    })
    .action({
      id: "test.approve",
      roles: ["supervisor"],
      decide: async (_tx, ctx, payload) => {
        decided.push(`${ctx.user.id}:${payload}`);
        return "ok";
      },
    });
  await deps.writer.run(async (tx) => {
    const now = deps.clock.now();
    await setChatUser(tx, {
      platform: "wecom",
      userId: "zhangsan",
      role: "agent",
      name: "张三",
      by: "test",
      now,
    });
    await setChatUser(tx, {
      platform: "wecom",
      userId: "sup1",
      role: "supervisor",
      name: "王主管",
      by: "test",
      now,
    });
    await setChatUser(tx, {
      platform: "wecom",
      userId: "sup2",
      role: "supervisor",
      name: "李主管",
      by: "test",
      now,
    });
  });
  const api = createWecomApi({
    apiBase: fake.url,
    corpId: CORP_ID,
    secret: SECRET,
    agentId: "1000002",
    logger: deps.logger,
    clock: deps.clock,
  });
  const app = createApp(deps);
  app.route("/wecom", wecomRoutes({ deps, bot, api }));
  const w: World = {
    deps,
    app,
    bot,
    fake,
    keys,
    logs: () => logged,
    decided,
    release,
    ts: () => String(Math.floor(deps.clock.now() / 1000)),
  };
  worlds.push(w);
  return w;
}

const sendText = (w: World, content: string, msgId: string, from = "zhangsan") =>
  w.app.request(
    ...encryptedPost(
      BASE,
      w.keys,
      textMessageXml({ from, content, msgId, createTime: Number(w.ts()), corpId: CORP_ID }),
      { timestamp: w.ts() },
    ),
  );

const sends = (w: World, to?: string) =>
  w.fake.accepted("message/send").filter((b) => to === undefined || b.touser === to);

describe("GET /wecom/callback (URL verification)", () => {
  it("answers the bare decrypted echostr", async () => {
    const w = await world();
    // Loop until the ciphertext has "+" and "/", so the URL carries %2B/%2F and decoding matters.
    let path = "";
    for (let i = 0; i < 200 && !/%2B.*%2F|%2F.*%2B/.test(path); i++) {
      path = verificationPath(BASE, w.keys, "1616140317555161061", { timestamp: w.ts() });
    }
    expect(path).toMatch(/%2B/);
    const res = await w.app.request(path);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("also accepts a '+' that arrived unencoded (Hono reads it as a space)", async () => {
    const w = await world();
    let path = "";
    for (let i = 0; i < 200 && !path.includes("%2B"); i++) {
      path = verificationPath(BASE, w.keys, "42", { timestamp: w.ts() });
    }
    const res = await w.app.request(path.replace(/%2B/g, "+"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("42");
  });

  it("refuses a bad signature with 401 JSON", async () => {
    const w = await world();
    const res = await w.app.request(
      verificationPath(BASE, w.keys, "123", { timestamp: w.ts(), signature: "0".repeat(40) }),
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "bad_signature", message: expect.any(String) });
  });

  it("refuses an echostr encrypted for another CorpID", async () => {
    const w = await world();
    const res = await w.app.request(
      verificationPath(BASE, w.keys, "123", { timestamp: w.ts(), receiveId: "wwsomeoneelse00000" }),
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "unauthorized" });
  });

  it("refuses a tampered echostr, re-signed or not, without answering a plaintext", async () => {
    const w = await world();
    const cipher = encryptFor(w.keys, "1616140317555161061");
    const mid = Math.floor(cipher.length / 2);
    const tampered = cipher.slice(0, mid) + (cipher[mid] === "A" ? "B" : "A") + cipher.slice(mid + 1);
    const unsigned = `${BASE}?${signedQuery(w.keys, cipher, { timestamp: w.ts() }).replace(/echostr=[^&]*/, "")}&echostr=${encodeURIComponent(tampered)}`;
    const resigned = `${BASE}?${signedQuery(w.keys, tampered, { timestamp: w.ts(), echostr: true })}`;
    const a = await w.app.request(unsigned);
    expect(a.status).toBe(401);
    const b = await w.app.request(resigned);
    expect([400, 401]).toContain(b.status);
    expect(await b.text()).not.toContain("1616140317555161061");
  });

  it("refuses a stale timestamp, and WECOM_MAX_SKEW=0 turns the check off", async () => {
    const w = await world();
    const stale = String(Math.floor(w.deps.clock.now() / 1000) - 301);
    const res = await w.app.request(verificationPath(BASE, w.keys, "7", { timestamp: stale }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: "bad_signature",
      message: expect.stringMatching(/timestamp/),
    });

    const off = await world({ WECOM_MAX_SKEW: "0" });
    const ok = await off.app.request(verificationPath(BASE, off.keys, "7", { timestamp: "1000" }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("7");
  });

  it("answers 400 when parameters are missing", async () => {
    const w = await world();
    const res = await w.app.request(`${BASE}?timestamp=${w.ts()}&nonce=x`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_request" });
  });

  it("answers 503 when WeCom is not configured", async () => {
    const w = await world({ WECOM_TOKEN: "", WECOM_ENCODING_AES_KEY: "" });
    const res = await w.app.request(verificationPath(BASE, w.keys, "1", { timestamp: w.ts() }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "unavailable" });
  });
});

describe("POST /wecom/callback (messages)", () => {
  it("answers an empty 200 before handling, then sends exactly one reply to the sender", async () => {
    const w = await world();
    const res = await sendText(w, "等待", "4561255354251345929");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.text()).toBe("");
    // The handler is still blocked, so the answer cannot have waited for it.
    expect(w.deps.tasks.pending).toBe(1);
    expect(sends(w)).toHaveLength(0);
    w.release();
    await settle(w.deps);
    expect(sends(w)).toEqual([
      { touser: "zhangsan", msgtype: "text", agentid: 1000002, text: { content: "好了" } },
    ]);
  });

  it("runs the command with its arguments and keeps a 64-bit MsgId exact", async () => {
    const w = await world();
    await sendText(w, "查单 M20260118001", "9223372036854775807");
    await settle(w.deps);
    expect(sends(w, "zhangsan").map((b) => (b.text as { content: string }).content)).toEqual([
      "订单 M20260118001 已发货",
    ]);
    const [row] = await w.deps.db.select().from(chatInbox);
    expect(row?.dedupeKey).toBe("msg:9223372036854775807");
  });

  it("parses an inner message without CDATA", async () => {
    const w = await world();
    const xml = textMessageXml({
      from: "zhangsan",
      content: "order 123",
      msgId: "1234567890123456789",
      createTime: Number(w.ts()),
      corpId: CORP_ID,
      plain: true,
    });
    const res = await w.app.request(...encryptedPost(BASE, w.keys, xml, { timestamp: w.ts() }));
    expect(res.status).toBe(200);
    await settle(w.deps);
    expect(sends(w).map((b) => (b.text as { content: string }).content)).toEqual(["订单 123 已发货"]);
  });

  it("splits a long text answer into messages of at most 2048 bytes", async () => {
    const w = await world();
    await sendText(w, "长文", "1001");
    await settle(w.deps);
    const contents = sends(w).map((b) => (b.text as { content: string }).content);
    expect(contents.length).toBeGreaterThan(1);
    for (const c of contents) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(2048);
    expect(contents.join("")).toBe("订单明细行。".repeat(400));
  });

  it("answers a retried MsgId with 200 and no second reply", async () => {
    const w = await world();
    const req = encryptedPost(
      BASE,
      w.keys,
      textMessageXml({ from: "zhangsan", content: "查单 1", msgId: "77", createTime: 1, corpId: CORP_ID }),
      { timestamp: w.ts() },
    );
    expect((await w.app.request(...req)).status).toBe(200);
    await settle(w.deps);
    const again = await w.app.request(...req);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("");
    await settle(w.deps);
    expect(sends(w)).toHaveLength(1);
  });

  it("stores and answers five concurrent deliveries of one message once", async () => {
    const w = await world();
    const req = encryptedPost(
      BASE,
      w.keys,
      textMessageXml({ from: "zhangsan", content: "查单 5", msgId: "55555", createTime: 1, corpId: CORP_ID }),
      { timestamp: w.ts() },
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => w.app.request(...req)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await settle(w.deps);
    expect(sends(w)).toHaveLength(1);
    expect(await w.deps.db.select().from(chatInbox)).toHaveLength(1);
  });

  it("answers 400 for malformed XML, a missing Encrypt or a ciphertext that is not base64", async () => {
    const w = await world();
    const post = (body: string, cipher = "x") =>
      w.app.request(`${BASE}?${signedQuery(w.keys, cipher, { timestamp: w.ts() })}`, {
        method: "POST",
        body,
      });
    const broken = await post("<xml><Encrypt>abc");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: "bad_request" });
    expect((await post("<xml><ToUserName>ww</ToUserName></xml>")).status).toBe(400);
    expect((await post("")).status).toBe(400);
    expect((await post("<!DOCTYPE x [<!ENTITY a 'b'>]><xml><Encrypt>&a;</Encrypt></xml>")).status).toBe(400);
    const notBase64 = "!!!not-base64!!!";
    expect((await post(outerXml(w.keys, notBase64), notBase64)).status).toBe(400);
    // A well-signed ciphertext whose plaintext is not XML.
    const [path, init] = encryptedPost(BASE, w.keys, "plain words", { timestamp: w.ts() });
    expect((await w.app.request(path, init)).status).toBe(400);
    await settle(w.deps);
    expect(await w.deps.db.select().from(chatInbox)).toHaveLength(0);
  });

  it("refuses an unsigned, mis-addressed or stale POST and stores nothing", async () => {
    const w = await world();
    const xml = textMessageXml({
      from: "zhangsan",
      content: "查单 1",
      msgId: "9",
      createTime: 1,
      corpId: CORP_ID,
    });
    const bad = await w.app.request(
      ...encryptedPost(BASE, w.keys, xml, { timestamp: w.ts(), signature: "f".repeat(40) }),
    );
    expect(bad.status).toBe(401);
    const other = await w.app.request(
      ...encryptedPost(BASE, w.keys, xml, { timestamp: w.ts(), receiveId: "wwanothercorp000" }),
    );
    expect(other.status).toBe(401);
    const stale = String(Number(w.ts()) - 3600);
    expect((await w.app.request(...encryptedPost(BASE, w.keys, xml, { timestamp: stale }))).status).toBe(401);
    await settle(w.deps);
    expect(await w.deps.db.select().from(chatInbox)).toHaveLength(0);
    expect(sends(w)).toHaveLength(0);
  });

  it("answers other events with an empty 200 and stores nothing", async () => {
    const w = await world();
    const xml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>`;
    const res = await w.app.request(...encryptedPost(BASE, w.keys, xml, { timestamp: w.ts() }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await settle(w.deps);
    expect(await w.deps.db.select().from(chatInbox)).toHaveLength(0);
  });
});

describe("card clicks", () => {
  const card: Card = {
    id: "refund-M123-k1x9",
    kind: "refund",
    subject: "M123",
    title: "订单 M123 退款待审核",
    fields: [
      { label: "订单号", value: "M123" },
      { label: "金额", value: "¥99.00" },
    ],
    buttons: [
      { text: "同意", style: "primary", action: { id: "test.approve", payload: "M123" } },
      { text: "详情", url: "https://oms.example.com/orders/M123" },
    ],
  };
  const key = encodeActionKey({ id: "test.approve", payload: "M123" });
  const click = (w: World, from: string, responseCode: string) =>
    w.app.request(
      ...encryptedPost(
        BASE,
        w.keys,
        cardEventXml({
          from,
          eventKey: key,
          taskId: card.id,
          responseCode,
          createTime: Number(w.ts()),
          corpId: CORP_ID,
        }),
        { timestamp: w.ts() },
      ),
    );

  it("runs the decision and updates the clicked card with its ResponseCode", async () => {
    const w = await world();
    await w.bot.remember([card]);
    const res = await click(w, "sup1", "RC-click-1");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await settle(w.deps);
    expect(w.decided).toEqual(["sup1:M123"]);
    const updates = w.fake.accepted("message/update_template_card");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      userids: ["sup1"],
      agentid: 1000002,
      response_code: "RC-click-1",
      template_card: { card_type: "button_interaction", task_id: card.id, replace_text: expect.any(String) },
    });
    const tc = updates[0]!.template_card as { sub_title_text: string; button_list: { key?: string }[] };
    expect(tc.sub_title_text).toContain("王主管");
    expect(tc.button_list.map((b) => b.key)).not.toContain(key);
    expect(sends(w, "sup1").map((b) => (b.text as { content: string }).content)).toEqual([
      expect.stringContaining("已执行「同意」"),
    ]);
  });

  it("lets one of two simultaneous supervisors decide; the other's card says who did", async () => {
    const w = await world();
    await w.bot.remember([card]);
    const [a, b] = await Promise.all([click(w, "sup1", "RC-a"), click(w, "sup2", "RC-b")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await settle(w.deps);
    expect(w.decided).toHaveLength(1);
    const decisions = await w.deps.db.select().from(cardDecisions);
    expect(decisions).toHaveLength(1);
    const winner = decisions[0]!.decidedBy === "sup1" ? "王主管" : "李主管";
    const updates = w.fake.accepted("message/update_template_card");
    expect(updates.map((u) => u.response_code).sort()).toEqual(["RC-a", "RC-b"]);
    for (const u of updates) {
      expect((u.template_card as { sub_title_text: string }).sub_title_text).toContain(winner);
      expect((u.template_card as { replace_text?: string }).replace_text).toBeTruthy();
    }
    const loser = decisions[0]!.decidedBy === "sup1" ? "sup2" : "sup1";
    expect(
      sends(w, loser)
        .map((m) => (m.text as { content: string }).content)
        .join(),
    ).toContain(`已由 ${winner}`);
  });

  it("refuses an agent's click on a supervisor button and decides nothing", async () => {
    const w = await world();
    await w.bot.remember([card]);
    await click(w, "zhangsan", "RC-agent");
    await settle(w.deps);
    expect(w.decided).toEqual([]);
    expect(await w.deps.db.select().from(cardDecisions)).toHaveLength(0);
    expect(w.fake.accepted("message/update_template_card")).toHaveLength(0);
    expect(sends(w, "zhangsan").map((m) => (m.text as { content: string }).content)).toEqual([
      expect.stringContaining("⛔"),
    ]);
  });

  it("sends a card with callback buttons as a template_card and one without as markdown", async () => {
    const w = await world();
    w.bot.command({
      name: "卡片",
      aliases: [],
      usage: ["卡片"],
      summary: "two cards",
      handle: async () => [
        { kind: "card", card: { ...card, id: "refund-M123-new1" } },
        { kind: "card", card: { ...card, id: "view-only", buttons: [] } },
      ],
    });
    await sendText(w, "卡片", "3003");
    await settle(w.deps);
    const msgs = sends(w, "zhangsan");
    expect(msgs.map((m) => m.msgtype)).toEqual(["template_card", "markdown"]);
    expect(msgs[0]).toMatchObject({ template_card: { task_id: "refund-M123-new1" } });
    expect((msgs[1]!.markdown as { content: string }).content).toContain("订单 M123 退款待审核");
  });
});

describe("access token", () => {
  it("refreshes once after 42001 and the reply still goes out", async () => {
    const w = await world();
    await sendText(w, "查单 1", "1");
    await settle(w.deps);
    expect(w.fake.gettokenCalls).toBe(1);
    w.fake.expireTokens(42001);
    await sendText(w, "查单 2", "2");
    await settle(w.deps);
    expect(w.fake.gettokenCalls).toBe(2);
    expect(sends(w).map((b) => (b.text as { content: string }).content)).toEqual([
      "订单 1 已发货",
      "订单 2 已发货",
    ]);
    expect(w.fake.calls.filter((c) => c.errcode === 42001)).toHaveLength(1);
  });

  it("shares one gettoken between concurrent sends, cold and after 40014", async () => {
    const w = await world();
    const api = createWecomApi({
      apiBase: w.fake.url,
      corpId: CORP_ID,
      secret: SECRET,
      agentId: 1000002,
      logger: w.deps.logger,
      clock: w.deps.clock,
    });
    const five = () =>
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api.sendMessage({ touser: "zhangsan", msgtype: "text", text: { content: `#${i}` } }),
        ),
      );
    await five();
    expect(w.fake.gettokenCalls).toBe(1);
    w.fake.expireTokens(40014);
    const results = await five();
    expect(w.fake.gettokenCalls).toBe(2);
    expect(results.every((r) => typeof r.msgid === "string")).toBe(true);
    expect(sends(w)).toHaveLength(10);
  });

  it("keeps the token until shortly before expires_in", async () => {
    const w = await world();
    const api = createWecomApi({
      apiBase: w.fake.url,
      corpId: CORP_ID,
      secret: SECRET,
      agentId: 1000002,
      logger: w.deps.logger,
      clock: w.deps.clock,
    });
    const send = () => api.sendMessage({ touser: "u", msgtype: "text", text: { content: "x" } });
    await send();
    w.deps.clock.advance(6000 * 1000);
    await send();
    expect(w.fake.gettokenCalls).toBe(1);
    w.deps.clock.advance(1000 * 1000);
    await send();
    expect(w.fake.gettokenCalls).toBe(2);
  });

  it("turns other errcodes into a PlatformError and a wrong secret into a non-retryable one", async () => {
    const w = await world();
    const api = createWecomApi({
      apiBase: w.fake.url,
      corpId: CORP_ID,
      secret: SECRET,
      agentId: 1,
      logger: w.deps.logger,
    });
    w.fake.failNext("message/send", 81013, "user & party & tag all invalid");
    await expect(
      api.sendMessage({ touser: "nobody", msgtype: "text", text: { content: "x" } }),
    ).rejects.toMatchObject({
      name: "PlatformError",
      platform: "wecom",
      code: "81013",
      retryable: false,
    });
    w.fake.failNext("message/send", 45009, "api freq out of limit");
    await expect(
      api.sendMessage({ touser: "u", msgtype: "text", text: { content: "x" } }),
    ).rejects.toMatchObject({
      code: "45009",
      retryable: true,
    });
    const wrong = createWecomApi({
      apiBase: w.fake.url,
      corpId: CORP_ID,
      secret: "nope",
      agentId: 1,
      logger: w.deps.logger,
    });
    await expect(wrong.updateTemplateCard({ userids: ["u"], response_code: "x" })).rejects.toMatchObject({
      code: "40001",
      retryable: false,
    });
  });

  it("logs delivery failures without the secret or any token, and the task does not throw", async () => {
    const w = await world();
    await sendText(w, "查单 1", "1");
    await settle(w.deps);
    w.fake.expireTokens(42001);
    w.fake.failNext("message/send", 81013, "user & party & tag all invalid");
    // The refresh succeeds, then the send fails for another reason.
    await sendText(w, "查单 2", "2");
    await settle(w.deps);
    const logs = w.logs();
    expect(logs).toContain("wecom message/send failed");
    expect(logs).toContain("81013");
    expect(logs).toContain("wecom access token refreshed");
    expect(logs).not.toContain("deferred task failed");
    expect(w.fake.issued.length).toBe(2);
    for (const secret of [SECRET, ...w.fake.issued, w.keys.encodingAesKey])
      expect(logs).not.toContain(secret);
  });
});
