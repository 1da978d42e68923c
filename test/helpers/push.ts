import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../../src/app.ts";
import { signOwn } from "../../src/sources/own-scheme.ts";
import { SECRETS, type TestDeps } from "./deps.ts";

export const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures", name), "utf8");
export const fixtureJson = <T = Record<string, unknown>>(name: string) => JSON.parse(fixture(name)) as T;

const OWN: Record<string, string> = {
  miniapp: SECRETS.SOURCE_SECRET_MINIAPP,
  wms: SECRETS.SOURCE_SECRET_WMS,
  payment: SECRETS.SOURCE_SECRET_PAYMENT,
  taobao: SECRETS.SOURCE_SECRET_TAOBAO,
  pdd: SECRETS.SOURCE_SECRET_PDD,
};

/** A test client over the real app: signs pushes the way each source does. */
export function client(deps: TestDeps) {
  const app = createApp(deps);
  return {
    app,
    /** Our own scheme (miniapp, wms, payment, taobao/pdd consumers). */
    own(
      source: string,
      body: string | Buffer,
      opts: { secret?: string; ts?: number; headers?: Record<string, string> } = {},
    ) {
      const ts = opts.ts ?? Math.floor(deps.clock.now() / 1000);
      const sig = signOwn(opts.secret ?? OWN[source] ?? "none", ts, body);
      return app.request(`/webhooks/${source}`, {
        method: "POST",
        body: typeof body === "string" ? body : new Uint8Array(body),
        headers: { "content-type": "application/json", ...sig, ...opts.headers },
      });
    },
    /** A Kuaidi100 push of a fixture, signed with the test salt; `nu` overrides the waybill. */
    kuaidi(name: string, nu?: string) {
      const body = fixtureJson<{ lastResult: { nu: string } }>(name);
      if (nu) body.lastResult.nu = nu;
      const param = JSON.stringify(body);
      const sign = createHash("md5")
        .update(param + SECRETS.SOURCE_SECRET_LOGISTICS)
        .digest("hex")
        .toUpperCase();
      return app.request("/webhooks/logistics", {
        method: "POST",
        body: new URLSearchParams({ param, sign }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    },
    raw(path: string, init: RequestInit) {
      return app.request(path, init);
    },
    async order(orderNo: string) {
      const res = await app.request(`/api/v1/orders/${encodeURIComponent(orderNo)}`, {
        headers: { authorization: "Bearer test-token-0123456789abcdef" },
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & { status_anchor: string },
      };
    },
  };
}

export function miniappOrder(over: Record<string, unknown> = {}) {
  return {
    order_no: "M20260118001",
    event_id: "evt-1",
    event_time: "2026-11-28T10:00:00+08:00",
    status: "created",
    buyer: { id: "u1", phone: "13800000000" },
    address: { province: "浙江省", city: "杭州市", district: "西湖区", detail: "文三路1号" },
    lines: [{ sku: "SKU-1", qty: 2, unit_price: 5000, promo_tag: null }],
    shipping_fee: 800,
    shipping_borne_by: "buyer",
    discounts: [{ kind: "full_reduction", amount: 1000, name: "满100减10" }],
    ...over,
  };
}
