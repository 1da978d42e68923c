import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { noticeImage } from "../../bot/notifiers/image.ts";
import { createChatNotifier } from "../../bot/notifiers/index.ts";
import { report } from "../../commands/report.ts";
import { dailyReportJob } from "../../jobs/daily-report.ts";
import { runJob } from "../../jobs/runner.ts";
import { refunds, reports } from "../../src/db/schema/index.ts";
import { parseEnv } from "../../src/env.ts";
import { reportRoutes } from "../../src/http/reports.ts";
import { createLogger } from "../../src/shared/logger.ts";
import type { Notice } from "../../src/shared/notifier.ts";
import { fakeDingtalkRobot, fakeWecomRobot } from "../fakes/notify.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { auth, settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
const at = (iso: string) => deps.clock.set(Date.parse(iso));

/**
 * Orders through the real API around the Shanghai midnights of 2026-11-27 (the day the 09:00
 * report on 11-28 covers):
 * A1 created 11-26 23:59, paid 11-27 00:00:01 (¥108);  A2 created and paid 11-27 noon (¥208),
 * refunded 11-27 23:59:59;  A3 created 11-27 23:59:59, never paid;
 * A4 created 11-27 23:59:59.999, paid 11-28 00:00:00.000 (counts on the 28th).
 */
async function scenario(): Promise<{ refundTotal: number }> {
  const a = api(deps);
  at("2026-11-26T23:00:00+08:00");
  expect((await a.putSku("SKU-1", { on_hand: 1000 })).status).toBe(200);
  const order = async (no: string, qty: number, when: string) => {
    at(when);
    expect((await a.createOrder(no, [{ sku: "SKU-1", qty, unit_price: 10_000 }])).status).toBe(201);
    await settle(deps);
  };
  const pay = async (no: string, amount: number, when: string) => {
    at(when);
    const r = await a.pay(no, `wx-${no}`, amount);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await settle(deps);
  };
  await order("A1", 1, "2026-11-26T23:59:00+08:00");
  await pay("A1", 10_800, "2026-11-27T00:00:01+08:00");
  await order("A2", 2, "2026-11-27T12:00:00+08:00");
  await pay("A2", 20_800, "2026-11-27T12:01:00+08:00");
  await order("A3", 1, "2026-11-27T23:59:59+08:00");
  await order("A4", 1, "2026-11-27T23:59:59.999+08:00");
  await pay("A4", 10_800, "2026-11-28T00:00:00.000+08:00");
  at("2026-11-27T23:59:59+08:00");
  const opened = await a.call("POST", "/aftersales", {
    order_no: "A2",
    kind: "refund_only",
    lines: [{ sku: "SKU-1", qty: 1 }],
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const approved = await a.call("POST", `/aftersales/${opened.body.id}/approve`);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const [refund] = await deps.db.select().from(refunds);
  deps.clock.set(T0);
  return { refundTotal: refund!.total };
}

beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

describe("daily-report job", () => {
  it("reports yesterday's orders, payments and refunds as counted around midnight", async () => {
    const { refundTotal } = await scenario();
    const run = await runJob(deps, dailyReportJob);
    expect(run.outcome, run.error).toBe("ok");
    const [row] = await deps.db.select().from(reports);
    expect(row).toMatchObject({ kind: "daily", day: "2026-11-27", createdAt: T0 });
    expect(row!.figures).toMatchObject({
      orders_created: 3,
      paid_orders: 2,
      gmv: 30_000,
      paid_amount: 31_600,
      refund_count: 1,
      refund_amount: refundTotal,
      drift_found: 0,
      "paid_amount@2026-11-26": 0,
      "paid_amount@2026-11-27": 31_600,
    });
    expect(refundTotal).toBeGreaterThan(0);
    expect(run.counts).toEqual({ report: row!.id, orders_created: 3, paid_orders: 2, paid_amount: 31_600 });
    expect(row!.markdown).toContain("付款订单:**2**");
    expect(row!.markdown).toContain("实付金额:**¥316.00**");
    expect(row!.markdown).toContain(`图表见 /api/v1/reports/${row!.id}.png`);
  });

  it("stores the report before it sends exactly one notice, to the managers, with the chart", async () => {
    const seen: { notice: Notice; storedAtSend: number }[] = [];
    Object.assign(deps, {
      notifier: {
        async send(notice: Notice) {
          seen.push({ notice, storedAtSend: (await deps.db.select().from(reports)).length });
        },
      },
    });
    await runJob(deps, dailyReportJob);
    expect(seen).toHaveLength(1);
    const { notice, storedAtSend } = seen[0]!;
    expect(storedAtSend).toBe(1);
    expect(notice).toMatchObject({ to: "managers", title: "经营日报 2026-11-27" });
    const [row] = await deps.db.select().from(reports);
    expect(`**${notice.title}**\n\n${notice.text}`).toBe(row!.markdown);
    const image = noticeImage(notice);
    expect(image?.png.equals(Buffer.from(row!.png!, "base64"))).toBe(true);
  });

  it("keeps the report when the notifier fails, and 日报 shows the stored one", async () => {
    await scenario();
    Object.assign(deps, {
      notifier: {
        async send() {
          throw new Error("robot unreachable");
        },
      },
    });
    const run = await runJob(deps, dailyReportJob);
    expect(run).toMatchObject({ outcome: "failed", error: "robot unreachable" });
    const stored = await deps.db.select().from(reports);
    expect(stored).toHaveLength(1);

    deps.clock.advance(3_600_000);
    const c = chat(deps);
    c.bot.command(report);
    await c.addUser("boss", "manager");
    const answer = await c.sayText("boss", "日报");
    expect(answer).toBe(stored[0]!.markdown);
    expect(await deps.db.select().from(reports)).toHaveLength(1);
  });
});

describe("daily report to a WeCom group robot and a DingTalk custom robot", () => {
  it("sends the markdown to both and the chart as an image message to WeCom only", async () => {
    const wecom = await fakeWecomRobot(["mgr-key"]);
    const dingtalk = await fakeDingtalkRobot({ "dt-token": "SECdt" });
    const notifier = createChatNotifier({
      config: parseEnv({
        WECOM_API_BASE: wecom.url,
        DINGTALK_OAPI_BASE: dingtalk.url,
        NOTIFY_MANAGERS: "wecom-robot:mgr-key,dingtalk-robot:dt-token@SECdt",
      }),
      logger: createLogger("silent"),
      options: { delivery: { backoff: { baseMs: 1, maxMs: 4 } } },
    });
    try {
      Object.assign(deps, { notifier });
      await scenario();
      expect((await runJob(deps, dailyReportJob)).outcome).toBe("ok");
      await notifier.flush();
      const [row] = await deps.db.select().from(reports);

      expect(wecom.accepted.map((m) => (m.image ? "image" : "markdown"))).toEqual(["markdown", "image"]);
      expect(wecom.accepted[0]!.content).toContain("**【P3】经营日报 2026-11-27**");
      expect(wecom.accepted[0]!.content).toContain("GMV:**¥300.00**");
      expect(wecom.accepted[1]!.image!.bytes.equals(Buffer.from(row!.png!, "base64"))).toBe(true);

      expect(dingtalk.accepted).toHaveLength(1);
      expect(dingtalk.accepted[0]!.title).toBe("经营日报 2026-11-27");
      expect(dingtalk.accepted[0]!.text).toContain(`图表见 /api/v1/reports/${row!.id}.png`);
    } finally {
      await notifier.close();
      await wecom.close();
      await dingtalk.close();
    }
  });
});

describe("/api/v1/reports", () => {
  function app() {
    const a = api(deps).app;
    a.route("/api/v1/reports", reportRoutes(deps));
    return a;
  }

  it("serves the latest report, one by id, and its chart as PNG behind the API token", async () => {
    await runJob(deps, dailyReportJob);
    const [row] = await deps.db.select().from(reports);
    const http = app();
    const latest = await http.request("/api/v1/reports", { headers: auth });
    expect(latest.status).toBe(200);
    expect(await latest.json()).toMatchObject({
      id: row!.id,
      day: "2026-11-27",
      png_url: `/api/v1/reports/${row!.id}.png`,
    });
    const one = await http.request(`/api/v1/reports/${row!.id}`, { headers: auth });
    expect(((await one.json()) as { markdown: string }).markdown).toBe(row!.markdown);
    const png = await http.request(`/api/v1/reports/${row!.id}.png`, { headers: auth });
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await png.arrayBuffer()).equals(Buffer.from(row!.png!, "base64"))).toBe(true);
    expect((await http.request(`/api/v1/reports/${row!.id}.png`)).status).toBe(401);
  });

  it("answers 404 JSON for a report that does not exist and 400 for a bad day", async () => {
    const http = app();
    const missing = await http.request("/api/v1/reports/99.png", { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    expect((await http.request("/api/v1/reports", { headers: auth })).status).toBe(404);
    expect((await http.request("/api/v1/reports?day=2026-13-01", { headers: auth })).status).toBe(400);
  });
});
