import { createApp } from "../../src/app.ts";
import type { TestDeps } from "./deps.ts";
import { miniappOrder } from "./push.ts";

/** JSON calls to /api/v1 with the test token; every answer's body is parsed. */
export function api(deps: TestDeps) {
  const app = createApp(deps);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: "Bearer test-token-0123456789abcdef", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test helper reads arbitrary JSON answers
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    app,
    call,
    putSku: (sku: string, b: Record<string, number>) => call("PUT", `/skus/${sku}`, b),
    sku: (sku: string) => call("GET", `/skus/${sku}`),
    createOrder: (
      orderNo: string,
      lines: Array<{ sku: string; qty: number; unit_price?: number }>,
      over: Record<string, unknown> = {},
    ) =>
      call(
        "POST",
        "/orders",
        miniappOrder({
          order_no: orderNo,
          event_id: undefined,
          event_time: undefined,
          lines: lines.map((l) => ({ unit_price: 1000, promo_tag: null, ...l })),
          discounts: [],
          ...over,
        }),
      ),
    pay: (orderNo: string, paymentId: string, amount: number) =>
      call("POST", `/orders/${orderNo}/pay`, { payment_id: paymentId, amount }),
  };
}
