import { createHmac } from "node:crypto";
import { healthJob } from "../../jobs/health.ts";
import { runJob } from "../../jobs/runner.ts";
import type { Notice } from "../../src/shared/notifier.ts";
import type { TestDeps } from "../helpers/deps.ts";
import { settle } from "../helpers/deps.ts";
import { type client, fixtureJson } from "../helpers/push.ts";

type Detail = {
  response: { order_list: Array<Record<string, unknown> & { recipient_address: Record<string, unknown> }> };
};

/**
 * The real Shopee order-detail response (the 866-character address), made `size` bytes long by
 * the seller's note, optionally carrying the nested buyer_address_detail Shopee added.
 */
export function shopeeDetail(orderSn: string, size: number, opts: { addressDetail?: boolean } = {}): string {
  const detail = fixtureJson<Detail>("shopee-order_detail-large_address.json");
  const order = detail.response.order_list[0]!;
  order.order_sn = orderSn;
  if (opts.addressDetail) {
    // The change in the story: a nested address breakdown whose segments make the payload grow.
    const segment = (i: number) => ({
      i,
      line: `第${i}段 地址补充说明 Jalan Bukit Bintang ${"x".repeat(160)}`,
    });
    const each = Buffer.byteLength(JSON.stringify(segment(1000))) + 1;
    const count = Math.max(1, Math.floor((size - Buffer.byteLength(JSON.stringify(detail)) - 64) / each));
    order.recipient_address.buyer_address_detail = {
      segments: Array.from({ length: count }, (_, i) => segment(i)),
    };
  }
  // The seller's note makes up the rest, so the body is `size` bytes (give or take a few).
  const pad = Math.max(0, size - Buffer.byteLength(JSON.stringify(detail)));
  order.note = "n".repeat(pad);
  return JSON.stringify(detail);
}

/** Posts a body to /webhooks/shopee signed as Shopee signs (HMAC over callback URL | body). */
export function postShopee(deps: TestDeps, api: ReturnType<typeof client>, body: string, good = true) {
  const sig = createHmac("sha256", good ? deps.config.sourceSecrets.shopee! : "not-the-partner-key")
    .update(`${deps.config.SHOPEE_CALLBACK_URL}|${body}`)
    .digest("hex");
  return api.raw("/webhooks/shopee", { method: "POST", body, headers: { authorization: sig } });
}

/** Runs the health job as the scheduler would, after everything deferred has finished. */
export async function tick(deps: TestDeps) {
  await settle(deps);
  const rec = await runJob(deps, healthJob);
  if (rec.outcome !== "ok") throw new Error(`health job: ${rec.outcome} ${rec.error ?? ""}`);
  await settle(deps);
  return rec;
}

export const healthNotices = (deps: TestDeps): Notice[] =>
  deps.notifier.sent.filter((n) => n.to === "integration");
