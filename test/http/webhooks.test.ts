import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inbox, orderEvents } from "../../src/db/schema/index.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, fixture, miniappOrder } from "../helpers/push.ts";

let deps: TestDeps;
let api: ReturnType<typeof client>;
beforeEach(async () => {
  deps = await testDeps();
  api = client(deps);
});
afterEach(async () => deps.close());

const settle = async () => {
  await deps.tasks.drain();
  await deps.writer.flush();
};

describe("POST /webhooks/:source", () => {
  it("stores a signed miniapp push, processes it and shows the order's anchor", async () => {
    const res = await api.own("miniapp", JSON.stringify(miniappOrder()));
    expect(res.status, await res.clone().text()).toBe(200);
    await settle();
    const { status, body } = await api.order("M20260118001");
    expect(status).toBe(200);
    expect(body.status_anchor).toBe("created");
    expect(body.lines).toEqual([expect.objectContaining({ sku: "SKU-1", qty: 2, unit_price: 5000 })]);
    expect(body.anchor_changes).toEqual([
      expect.objectContaining({ from: null, to: "created", rule_id: "miniapp.created" }),
    ]);
  });

  it("moves the anchor along events from several sources and explains each change", async () => {
    await api.own("miniapp", JSON.stringify(miniappOrder()));
    await api.own(
      "miniapp",
      JSON.stringify(
        miniappOrder({ event_id: "evt-2", status: "paid", event_time: "2026-11-28T10:01:00+08:00" }),
      ),
    );
    const wms = {
      order_no: "M20260118001",
      event_id: "wms-1",
      event_time: "2026-11-28T12:00:00+08:00",
      warehouse_code: "HZ01",
      packaged_time: 1795840000,
      logistics_no: "ZT123",
      carrier: "ZTO",
      outbound_time: 1795840100,
    };
    await api.own("wms", JSON.stringify(wms));
    await settle();
    const { body } = await api.order("M20260118001");
    expect(body.status_anchor).toBe("shipped_at_warehouse");
    const changes = body.anchor_changes as Array<{ to: string; rule_id: string }>;
    expect(changes.map((c) => c.to)).toEqual(["shipped_at_warehouse", "paid", "created"]);
    expect(changes[0]!.rule_id).toBe("wms.shipped");
    expect((body.source_statuses as unknown[]).length).toBe(2);
    expect((body.timeline as unknown[]).length).toBe(3);
  });

  it("refuses an unsigned push with 401, processes nothing and counts it", async () => {
    const res = await api.raw("/webhooks/miniapp", { method: "POST", body: JSON.stringify(miniappOrder()) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "bad_signature" });
    await settle();
    expect((await api.order("M20260118001")).status).toBe(404);
    const metrics = await (await api.raw("/metrics", {})).text();
    expect(metrics).toMatch(/anchorbot_webhook_pushes_total\{source="miniapp",outcome="bad_signature"\} 1/);
  });

  it("refuses a push signed with the wrong secret", async () => {
    const res = await api.own("miniapp", JSON.stringify(miniappOrder()), { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    const rows = await deps.db.select().from(inbox);
    expect(rows).toEqual([expect.objectContaining({ status: "rejected", rejectReason: "signature" })]);
  });

  it("refuses a stale timestamp with 401", async () => {
    const ts = Math.floor(deps.clock.now() / 1000) - 301;
    const res = await api.own("miniapp", JSON.stringify(miniappOrder()), { ts });
    expect(res.status).toBe(401);
    expect((await res.json()).message).toMatch(/window/);
  });

  it("answers 400 for malformed JSON and keeps the raw body as rejected", async () => {
    const res = await api.own("miniapp", '{"order_no": "M1", ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_payload" });
    const [row] = await deps.db.select().from(inbox);
    expect(row).toMatchObject({ status: "rejected", rejectReason: "parse" });
    expect(row!.body!.toString()).toBe('{"order_no": "M1", ');
  });

  it("answers 400 for malformed Qimen XML from the WMS", async () => {
    const res = await api.own("wms", "<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode>", {
      headers: { "content-type": "application/xml" },
    });
    expect(res.status).toBe(400);
  });

  it("answers 404 for an unknown source", async () => {
    const res = await api.own("amazon", "{}");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "unknown_source" });
  });

  it("stores an unknown status, leaves the anchor alone and flags the event", async () => {
    await api.own("miniapp", JSON.stringify(miniappOrder()));
    await settle();
    const body = fixture("shopee-push-code3-order_status-shipped.json").replace(
      '"SHIPPED"',
      '"LOST_IN_SPACE"',
    );
    // Shopee's own scheme: the partner key over callback URL | body.
    const { createHmac } = await import("node:crypto");
    const sig = createHmac("sha256", deps.config.sourceSecrets.shopee!)
      .update(`${deps.config.SHOPEE_CALLBACK_URL}|${body}`)
      .digest("hex");
    const res = await api.raw("/webhooks/shopee", { method: "POST", body, headers: { authorization: sig } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await settle();
    const { body: order } = await api.order("261126B3X8N4TC");
    expect(order.status_anchor).toBe("created");
    const [ev] = await deps.db.select().from(orderEvents).where(eq(orderEvents.orderNo, "261126B3X8N4TC"));
    expect(ev).toMatchObject({ rawStatus: "LOST_IN_SPACE", flag: "unknown_status" });
    const metrics = await (await api.raw("/metrics", {})).text();
    expect(metrics).toMatch(/anchorbot_unknown_status_total\{source="shopee"\} 1/);
  });

  it("processes the same event delivered three times concurrently once", async () => {
    const body = JSON.stringify(miniappOrder());
    const answers = await Promise.all([
      api.own("miniapp", body),
      api.own("miniapp", body),
      api.own("miniapp", body),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.filter((r) => r.headers.get("x-duplicate-of")).length).toBe(2);
    await settle();
    const rows = await deps.db.select().from(inbox);
    expect(rows.filter((r) => r.status === "processed")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "duplicate")).toHaveLength(2);
    expect(await deps.db.select().from(orderEvents)).toHaveLength(1);
  });

  it("treats a redelivery with the same event id but new bytes as a duplicate and keeps its body", async () => {
    await api.own("miniapp", JSON.stringify(miniappOrder()));
    await api.own("miniapp", JSON.stringify(miniappOrder({ shipping_fee: 900 })));
    await settle();
    const rows = await deps.db.select().from(inbox);
    expect(rows[1]).toMatchObject({ status: "duplicate", duplicateOf: rows[0]!.id });
    expect(rows[1]!.body).not.toBeNull();
  });

  it("accepts a 2.1 MB Shopee order with a large nested buyer_address_detail", async () => {
    const detail = JSON.parse(fixture("shopee-order_detail-large_address.json"));
    const order = detail.response.order_list[0];
    order.recipient_address.buyer_address_detail = {
      segments: Array.from({ length: 10_000 }, (_, i) => ({
        i,
        line: `第${i}段 地址补充说明 Jalan Bukit Bintang ${"x".repeat(160)}`,
      })),
    };
    const body = JSON.stringify(detail);
    expect(body.length).toBeGreaterThan(2_000_000);
    const { createHmac } = await import("node:crypto");
    const sig = createHmac("sha256", deps.config.sourceSecrets.shopee!)
      .update(`${deps.config.SHOPEE_CALLBACK_URL}|${body}`)
      .digest("hex");
    const res = await api.raw("/webhooks/shopee", { method: "POST", body, headers: { authorization: sig } });
    expect(res.status, await res.clone().text()).toBe(200);
    await settle();
    const { body: view } = await api.order(order.order_sn);
    expect(view.status_anchor).not.toBe("");
  });

  it("answers 413 as JSON over BODY_LIMIT, and logs and counts it", async () => {
    await deps.close();
    deps = await testDeps({ BODY_LIMIT: "1kb" });
    api = client(deps);
    const res = await api.own("miniapp", JSON.stringify(miniappOrder({ note: "x".repeat(2000) })));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "payload_too_large" });
    const [row] = await deps.db.select().from(inbox);
    expect(row).toMatchObject({ status: "rejected", rejectReason: "too_large" });
    const metrics = await (await api.raw("/metrics", {})).text();
    expect(metrics).toMatch(/outcome="too_large"\} 1/);
  });
});

describe("GET /api/v1/orders/:order_no", () => {
  it("requires the bearer token", async () => {
    const res = await api.raw("/api/v1/orders/M1", {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "unauthorized" });
    const wrong = await api.raw("/api/v1/orders/M1", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  it("answers 404 with a JSON error for an unknown order", async () => {
    const { status, body } = await api.order("NOPE");
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: "not_found" });
  });
});
