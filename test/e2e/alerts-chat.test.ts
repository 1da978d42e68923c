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
} from "../fakes/qyapi.ts";
import { miniappOrder } from "../helpers/push.ts";
import { type Service, startService } from "../helpers/service.ts";

/**
 * The alert centre in the service as `npm start` runs it: an order to a hotel arrives by webhook,
 * the on-duty manager gets a P1 card in WeCom (fake qyapi) and stops the order with a click; a
 * deep-discount order reaches ops over DingTalk (fake server) and is released by a 审批 reply
 * over the Stream connection.
 */
const dir = mkdtempSync(join(tmpdir(), "anchorbot-alerts-e2e-"));
const TOKEN = "alerts-e2e-token-0123456789";
const SECRET = "miniapp-alerts-secret";
const keys: CallbackKeys = {
  token: "wecomtoken",
  encodingAesKey: newEncodingAesKey(),
  corpId: "ww5a1d2c3b4e5f6a7b",
};
let svc: Service;
let qy: FakeQyapi;
let ding: FakeDingtalk;
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${svc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const now = () => Math.floor(Date.now() / 1000);

async function push(order: Record<string, unknown>) {
  const body = JSON.stringify(
    miniappOrder({ event_time: new Date().toISOString(), discounts: [], ...order }),
  );
  const res = await fetch(`${svc.url}/webhooks/miniapp`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signOwn(SECRET, now(), body) },
  });
  expect(res.status).toBe(200);
}

const get = async (path: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON answers
  (await fetch(`${svc.url}/api/v1${path}`, { headers })).json() as Promise<any>;

beforeAll(async () => {
  qy = await startFakeQyapi({ corpId: keys.corpId, secret: "app-secret" });
  ding = await startFakeDingtalk();
  svc = await startService({
    DATA_DIR: dir,
    DATABASE_URL: `file:${join(dir, "anchor.db")}`,
    API_TOKEN: TOKEN,
    SOURCE_SECRET_MINIAPP: SECRET,
    WECOM_CORP_ID: keys.corpId,
    WECOM_AGENT_ID: "1000002",
    WECOM_SECRET: "app-secret",
    WECOM_TOKEN: keys.token,
    WECOM_ENCODING_AES_KEY: keys.encodingAesKey,
    WECOM_API_BASE: qy.url,
    DINGTALK_CLIENT_ID: ding.clientId,
    DINGTALK_CLIENT_SECRET: ding.clientSecret,
    DINGTALK_API_BASE: ding.baseUrl,
    DINGTALK_OAPI_BASE: ding.baseUrl,
    NOTIFY_MANAGERS: "wecom-app:duty_mgr",
    DINGTALK_ROBOT_CODE: "ding-robot-e2e",
    NOTIFY_OPS: "dingtalk-user:staff-1",
    CHAT_DEFAULT_ROLE: "manager",
  });
  await fetch(`${svc.url}/api/v1/skus/SKU-1`, {
    method: "PUT",
    headers,
    body: JSON.stringify({ on_hand: 50 }),
  });
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  await qy?.close();
  await ding?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("alerts through the running service", () => {
  it("sends the hotel order's P1 card to WeCom; the manager's 拦截 click cancels the order", async () => {
    await push({
      order_no: "RISK-1",
      event_id: "evt-risk-1",
      lines: [{ sku: "SKU-1", qty: 1, unit_price: 88_800, promo_tag: null }],
      address: { province: "浙江省", city: "杭州市", district: "上城区", detail: "湖滨银泰旁 全季酒店 1208" },
    });
    const sent = await until("the P1 card", () =>
      qy.accepted("message/send").find((b) => b.touser === "duty_mgr" && b.msgtype === "template_card"),
    );
    const tc = sent.template_card as { task_id: string; button_list: { text: string; key: string }[] };
    expect(tc.button_list.map((b) => b.text)).toEqual(["放行", "拦截", "冻结客户"]);
    const block = tc.button_list.find((b) => b.text === "拦截")!;
    expect(decodeActionKey(block.key)?.id).toBe("alert.decide");

    const [path, init] = encryptedPost(
      `${svc.url}/wecom/callback`,
      keys,
      cardEventXml({
        from: "duty_mgr",
        eventKey: block.key,
        taskId: tc.task_id,
        responseCode: "rc-alert-1",
        createTime: now(),
        corpId: keys.corpId,
      }),
      { timestamp: String(now()) },
    );
    expect((await fetch(path, init)).status).toBe(200);
    const update = await until("the card update", () =>
      qy.accepted("message/update_template_card").find((b) => b.response_code === "rc-alert-1"),
    );
    expect(JSON.stringify(update)).toContain("duty_mgr");
    const order = await until("the cancelled anchor", async () => {
      const o = await get("/orders/RISK-1");
      return o.status_anchor === "cancelled" ? o : undefined;
    });
    expect(order.status_anchor).toBe("cancelled");
    const [alert] = (await get("/alerts?status=all&rule=address_risk")).alerts;
    expect(alert).toMatchObject({
      order_no: "RISK-1",
      status: "decided",
      outcome: "rejected",
      decided_by: "duty_mgr",
    });
  });

  it("sends the deep-discount order to ops on DingTalk; a 审批 reply over Stream releases it", async () => {
    await until("the Stream connection", () => (ding.openConns().length > 0 ? true : undefined));
    await push({
      order_no: "CHEAP-1",
      event_id: "evt-cheap-1",
      lines: [{ sku: "SKU-1", qty: 1, unit_price: 20_000, amount: 1_000, promo_tag: null }],
    });
    const msg = await until("the DingTalk notice", () =>
      ding.calls("/v1.0/robot/oToMessages/batchSend").find((c) => JSON.stringify(c.body).includes("CHEAP-1")),
    );
    const text = JSON.stringify(msg.body);
    expect(text).toContain("超低价");
    const cardId = /审批 ([\w@-]+) 1/.exec(text.replace(/\\n/g, "\n"))?.[1];
    expect(cardId).toBeTruthy();

    ding.push(
      ding.robotMessage(
        { msgId: "ding-alert-1", content: `审批 ${cardId} 1`, createAt: Date.now() },
        "cb-alert-1",
      ),
    );
    const reply = await until("the 审批 answer", () =>
      ding.calls("/robot/sendBySession").find((c) => JSON.stringify(c.body).includes("已放行")),
    );
    expect(JSON.stringify(reply.body)).toContain("CHEAP-1");
    const [alert] = (await get("/alerts?status=all&rule=deep_discount")).alerts;
    expect(alert).toMatchObject({ order_no: "CHEAP-1", outcome: "approved" });
  });
});
