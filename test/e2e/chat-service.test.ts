import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeActionKey } from "../../bot/card.ts";
import { signOwn } from "../../src/sources/own-scheme.ts";
import { type FakeDingtalk, startFakeDingtalk } from "../fakes/dingtalk.ts";
import {
  type CallbackKeys,
  cardEventXml,
  encryptedPost,
  type FakeQyapi,
  newEncodingAesKey,
  startFakeQyapi,
  textMessageXml,
  verificationPath,
} from "../fakes/qyapi.ts";
import { miniappOrder } from "../helpers/push.ts";
import { type Service, startService } from "../helpers/service.ts";

/**
 * The service as `npm start` runs it, with WeCom configured against a local fake qyapi: an
 * agent's 查单 is answered with the order card, and an oversold order's P1 notice reaches the
 * on-duty supervisor as a card whose button, clicked in WeCom, resolves the order.
 */
const dir = mkdtempSync(join(tmpdir(), "anchorbot-chat-e2e-"));
const TOKEN = "chat-e2e-token-0123456789";
const MINIAPP_SECRET = "miniapp-e2e-secret";
const keys: CallbackKeys = {
  token: "wecomtoken",
  encodingAesKey: newEncodingAesKey(),
  corpId: "ww1436e0e65a779aee",
};
let svc: Service;
let qy: FakeQyapi;
let ding: FakeDingtalk;
let seq = 0;

async function until<T>(what: string, f: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}\n${svc.output()}\n${JSON.stringify(
          qy.calls.filter((c) => JSON.stringify(c).includes("duty_sup")),
          null,
          1,
        ).slice(0, 6000)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const now = () => String(Math.floor(Date.now() / 1000));

async function wecomPost(inner: string) {
  const [path, init] = encryptedPost(`${svc.url}/wecom/callback`, keys, inner, { timestamp: now() });
  return fetch(path, init);
}

beforeAll(async () => {
  qy = await startFakeQyapi({ corpId: keys.corpId, secret: "app-secret" });
  ding = await startFakeDingtalk();
  svc = await startService({
    DATA_DIR: dir,
    DATABASE_URL: `file:${join(dir, "anchor.db")}`,
    API_TOKEN: TOKEN,
    SOURCE_SECRET_MINIAPP: MINIAPP_SECRET,
    WECOM_CORP_ID: keys.corpId,
    WECOM_AGENT_ID: "1000002",
    WECOM_SECRET: "app-secret",
    WECOM_TOKEN: keys.token,
    WECOM_ENCODING_AES_KEY: keys.encodingAesKey,
    WECOM_API_BASE: qy.url,
    NOTIFY_OPS: "wecom-app:duty_sup",
    DINGTALK_CLIENT_ID: ding.clientId,
    DINGTALK_CLIENT_SECRET: ding.clientSecret,
    DINGTALK_API_BASE: ding.baseUrl,
    DINGTALK_OAPI_BASE: ding.baseUrl,
    CHAT_DEFAULT_ROLE: "supervisor",
  });
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  await fetch(`${svc.url}/api/v1/skus/SKU-1`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ on_hand: 2 }),
  });
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  await qy?.close();
  await ding?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("chat through the running service", () => {
  it("passes WeCom's URL verification with the bare echostr", async () => {
    const res = await fetch(
      verificationPath(`${svc.url}/wecom/callback`, keys, "1616140317555161061", { timestamp: now() }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("answers a member's 查单 with the order card through message/send", async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const created = await fetch(`${svc.url}/api/v1/orders`, {
      method: "POST",
      headers,
      body: JSON.stringify(
        miniappOrder({ order_no: "M20260118001", lines: [{ sku: "SKU-1", qty: 1, unit_price: 5000 }] }),
      ),
    });
    expect(created.status).toBe(201);
    const xml = textMessageXml({
      from: "agent_li",
      content: "查单 M20260118001",
      msgId: `72${Date.now()}${++seq}`,
      createTime: Number(now()),
      corpId: keys.corpId,
    });
    const res = await wecomPost(xml);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const sent = await until("the order card", () =>
      qy.accepted("message/send").find((b) => b.touser === "agent_li"),
    );
    expect(sent.msgtype).toBe("template_card");
    const card = sent.template_card as { main_title: { title: string } };
    expect(card.main_title.title).toContain("M20260118001");
  });

  it("sends an oversold order's notice as a card and resolves the order when the supervisor clicks", async () => {
    // SKU-1 has 2 on hand (1 reservable after M20260118001): a miniapp order for 5 oversells.
    const body = JSON.stringify(
      miniappOrder({
        order_no: "OVER-1",
        event_id: "evt-over-1",
        lines: [{ sku: "SKU-1", qty: 5, unit_price: 5000 }],
      }),
    );
    const pushed = await fetch(`${svc.url}/webhooks/miniapp`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        ...signOwn(MINIAPP_SECRET, Math.floor(Date.now() / 1000), body),
      },
    });
    expect(pushed.status).toBe(200);
    const notice = await until("the P1 card", () =>
      qy.accepted("message/send").find((b) => b.touser === "duty_sup" && b.msgtype === "template_card"),
    );
    const tc = notice.template_card as { task_id: string; button_list: { text: string; key: string }[] };
    const refund = tc.button_list.find((b) => b.text === "已退款给买家");
    expect(refund && decodeActionKey(refund.key)).toEqual({
      id: "attention.resolve",
      payload: "OVER-1~refunded",
    });

    const click = cardEventXml({
      from: "duty_sup",
      eventKey: refund!.key,
      taskId: tc.task_id,
      responseCode: "rc-duty-1",
      createTime: Number(now()),
      corpId: keys.corpId,
    });
    const res = await wecomPost(click);
    expect(res.status).toBe(200);
    const update = await until("the card update", () =>
      qy.accepted("message/update_template_card").find((b) => b.response_code === "rc-duty-1"),
    );
    expect(JSON.stringify(update)).toContain("duty_sup");
    const confirm = await until("the confirmation", () =>
      qy.accepted("message/send").find((b) => b.touser === "duty_sup" && JSON.stringify(b).includes("✅")),
    );
    expect(JSON.stringify(confirm)).toContain("OVER-1");

    // A second supervisor clicking the same card later sees who decided; nothing runs twice.
    const late = cardEventXml({
      from: "other_sup",
      eventKey: refund!.key,
      taskId: tc.task_id,
      responseCode: "rc-other-1",
      createTime: Number(now()) + 1,
      corpId: keys.corpId,
    });
    expect((await wecomPost(late)).status).toBe(200);
    const told = await until("the late clicker's answer", () =>
      qy.accepted("message/send").find((b) => b.touser === "other_sup"),
    );
    expect(JSON.stringify(told)).toContain("已由 duty_sup");
  });

  it("answers a DingTalk robot message over the Stream connection through the session webhook", async () => {
    await until("the Stream connection", () => (ding.openConns().length > 0 ? true : undefined));
    ding.push(
      ding.robotMessage(
        { msgId: "ding-m-1", content: " 查单 M20260118001", createAt: Date.now() },
        "cb-e2e-1",
      ),
    );
    const reply = await until("the webhook reply", () => ding.calls("/robot/sendBySession")[0]);
    expect(JSON.stringify(reply.body)).toContain("订单 M20260118001");
    expect(ding.acks("cb-e2e-1")).toHaveLength(1);
  });
});
