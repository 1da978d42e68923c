import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inbox } from "../../src/db/schema/index.ts";
import { MAX_ATTEMPTS, processDue, retryDelayMs } from "../../src/inbox/index.ts";
import { SECRETS, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, fixture, fixtureJson } from "../helpers/push.ts";

let deps: TestDeps;
let api: ReturnType<typeof client>;
beforeEach(async () => {
  deps = await testDeps({ WEBHOOK_MAX_SKEW: "0" });
  api = client(deps);
});
afterEach(async () => deps.close());

const sweep = () =>
  processDue({ db: deps.db, writer: deps.writer, ctx: deps.processContext, now: deps.clock.now });

function kuaidiForm(name: string) {
  const param = JSON.stringify(fixtureJson(name));
  const sign = createHash("md5")
    .update(param + SECRETS.SOURCE_SECRET_LOGISTICS)
    .digest("hex")
    .toUpperCase();
  return api.raw("/webhooks/logistics", {
    method: "POST",
    body: new URLSearchParams({ param, sign }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

describe("inbox retries", () => {
  it("keeps a carrier push that arrives before its order and applies it once the waybill is known", async () => {
    const res = await kuaidiForm("kuaidi100-push-state_1_collected.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: true, returnCode: "200", message: "成功" });
    await deps.tasks.drain();
    const [parked] = await deps.db.select().from(inbox);
    expect(parked).toMatchObject({ status: "failed", attempts: 1 });
    expect(parked!.error).toMatch(/78498765432109/);
    expect(parked!.nextAttemptAt).toBe(deps.clock.now() + retryDelayMs(1));

    // The Taobao trade that carries the same waybill arrives; the retry then links the push.
    await api.own("taobao", fixture("taobao-trade-wait_buyer_confirm_goods.json"));
    await deps.tasks.drain();
    expect(await sweep()).toEqual([]); // not due yet
    deps.clock.advance(retryDelayMs(1));
    const out = await sweep();
    expect(out.map((o) => o.status)).toEqual(["processed"]);
    const { body } = await api.order("4187652309955501234");
    expect(body.status_anchor).toBe("in_transit");
    expect(body.shipments).toEqual([
      expect.objectContaining({ waybill_no: "78498765432109", picked_up_at: expect.any(String) }),
    ]);
  });

  it("gives up after the last attempt and marks the push dead, keeping it", async () => {
    await kuaidiForm("kuaidi100-push-state_0_in_transit.json");
    await deps.tasks.drain();
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      deps.clock.advance(retryDelayMs(i));
      await sweep();
    }
    const [row] = await deps.db.select().from(inbox);
    expect(row).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });
    expect(row!.body).not.toBeNull();
  });

  it("processes pushes that were stored but never processed (a stop between answer and work)", async () => {
    const body = fixture("taobao-trade-wait_seller_send_goods.json");
    const { signOwn } = await import("../../src/sources/own-scheme.ts");
    // Store directly as the gateway would, without the deferred processing.
    await deps.writer.run((tx) =>
      tx.insert(inbox).values({
        source: "taobao",
        receivedAt: deps.clock.now(),
        headers: signOwn(SECRETS.SOURCE_SECRET_TAOBAO, 0, body),
        body: Buffer.from(body),
        bodySize: body.length,
        dedupeKey: "k1",
        status: "received",
      }),
    );
    expect(await sweep()).toEqual([]); // within the grace period: the request path still owns it
    deps.clock.advance(60_000);
    expect((await sweep()).map((o) => o.status)).toEqual(["processed"]);
    const [row] = await deps.db.select().from(inbox).where(eq(inbox.dedupeKey, "k1"));
    expect(row!.status).toBe("processed");
  });
});
