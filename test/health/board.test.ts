import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat } from "../helpers/chat.ts";
import { auth, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client } from "../helpers/push.ts";
import { postShopee, shopeeDetail, tick } from "./helpers.ts";

let deps: TestDeps;
let api: ReturnType<typeof client>;
let talk: ReturnType<typeof chat>;
let fieldInbox: number;
const PATH = "response.order_list[].recipient_address.buyer_address_detail";

beforeAll(async () => {
  // A shape counts as learned after 3 payloads here, so a short stream shows a new field.
  deps = await testDeps({ HEALTH_THRESHOLDS: "shape_min_samples=3" });
  api = client(deps);
  talk = chat(deps);
  await talk.addUsers({ agent1: "agent" });
  for (let i = 0; i < 4; i++) {
    expect((await postShopee(deps, api, shopeeDetail(`BOARD${i}`, 8_000))).status).toBe(200);
    await tick(deps);
  }
  const res = await postShopee(deps, api, shopeeDetail("BOARD-NEW", 12_000, { addressDetail: true }));
  fieldInbox = Number(res.headers.get("x-inbox-id"));
  await tick(deps);
});
afterAll(async () => deps.close());

describe("健康 / health in chat", () => {
  it("shows one line per source with its state and worst signal", async () => {
    const reply = await talk.sayText("agent1", "健康");
    expect(reply).toMatch(/⚠ shopee:1 项告警,最严重 新增字段/);
    expect(reply).toContain(PATH);
  });

  it("shows a source's signals and the payload path that changed, with the inbox row it came in", async () => {
    const reply = await talk.sayText("agent1", "health shopee");
    expect(reply).toContain(`order_detail 的 ${PATH}(object),首次见于 inbox #${fieldInbox}`);
    expect(reply).toMatch(/已学习的结构:order_detail\(5 个推送/);
    expect(reply).toMatch(/✓ 签名失败率/);
  });

  it("says which sources exist when asked for one that does not", async () => {
    expect(await talk.sayText("agent1", "健康 amazon")).toMatch(
      /没有来源「amazon」。可选:taobao、pdd、shopee/,
    );
  });
});

describe("GET /api/v1/health/sources", () => {
  it("needs the API token", async () => {
    expect((await api.raw("/api/v1/health/sources", {})).status).toBe(401);
  });

  it("returns the board as JSON, the same worst signal chat shows", async () => {
    const res = await api.raw("/api/v1/health/sources", { headers: auth });
    const body = (await res.json()) as {
      sources: Array<Record<string, unknown> & { worst: { detail: string } }>;
    };
    expect(res.status).toBe(200);
    expect(body.sources).toEqual([
      expect.objectContaining({
        source: "shopee",
        state: "warn",
        warnings: 1,
        worst: expect.objectContaining({ signal: "shape_new", severity: "P2", value: 1, threshold: 1 }),
      }),
    ]);
    expect(await talk.sayText("agent1", "健康")).toContain(body.sources[0]!.worst.detail);
  });

  it("returns one source's signals and learned shape changes", async () => {
    const res = await api.raw("/api/v1/health/sources/shopee", { headers: auth });
    const body = (await res.json()) as { signals: unknown[]; shapes: { added: unknown[] } };
    expect(body.signals).toHaveLength(16);
    expect(body.shapes.added).toEqual([
      expect.objectContaining({ kind: "order_detail", path: PATH, types: "object", inbox_id: fieldInbox }),
    ]);
  });

  it("answers 404 JSON for an unknown source", async () => {
    const res = await api.raw("/api/v1/health/sources/amazon", { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "unknown_source" });
  });
});

describe("/metrics", () => {
  it("exports every signal's value and whether it warns", async () => {
    const text = await (await api.raw("/metrics", {})).text();
    expect(text).toMatch(/anchorbot_health_signal_warning\{source="shopee",signal="shape_new"\} 1/);
    expect(text).toMatch(/anchorbot_health_signal_warning\{source="shopee",signal="silence"\} 0/);
    expect(text).toMatch(/anchorbot_health_signal_value\{source="shopee",signal="size_near_limit"\} 0\.0007/);
  });
});
