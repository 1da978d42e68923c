import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { processDue } from "../../src/inbox/process-due.ts";
import { SECRETS, testDeps } from "../helpers/deps.ts";
import { client, miniappOrder } from "../helpers/push.ts";

type Push = { source: string; body: string; form?: boolean };

const at = (h: number) => new Date(Date.parse("2026-11-28T00:00:00Z") + h * 3_600_000).toISOString();

function kuaidi(waybill: string, state: string, hour: number): Push {
  const param = JSON.stringify({
    status: state === "3" ? "shutdown" : "polling",
    message: "",
    lastResult: {
      message: "ok",
      state,
      status: "200",
      ischeck: state === "3" ? "1" : "0",
      com: "zhongtong",
      nu: waybill,
      data: [
        {
          context: `节点 ${state}`,
          time: at(hour).slice(0, 19).replace("T", " "),
          ftime: at(hour).slice(0, 19).replace("T", " "),
        },
      ],
    },
  });
  const sign = createHash("md5")
    .update(param + SECRETS.SOURCE_SECRET_LOGISTICS)
    .digest("hex")
    .toUpperCase();
  return { source: "logistics", body: new URLSearchParams({ param, sign }).toString(), form: true };
}

/** One order's life across three sources; `variant` adds a cancellation or a return. */
function lifecycle(i: number, variant: number): Push[] {
  const no = `M${1000 + i}`;
  const waybill = `ZT${9000 + i}`;
  const mini = (status: string, h: number, id: string) =>
    ({
      source: "miniapp",
      body: JSON.stringify(
        miniappOrder({ order_no: no, event_id: `${no}-${id}`, status, event_time: at(h) }),
      ),
    }) as Push;
  const wms = (h: number, packaged: boolean, logisticsNo: string) =>
    ({
      source: "wms",
      body: JSON.stringify({
        order_no: no,
        event_id: `${no}-wms-${h}`,
        event_time: at(h),
        warehouse_code: "HZ01",
        packaged_time: packaged ? Math.floor(Date.parse(at(h)) / 1000) : 0,
        logistics_no: logisticsNo,
        carrier: "ZTO",
        outbound_time: 0,
      }),
    }) as Push;
  const pushes = [
    mini("created", 1, "c"),
    mini("paid", 2, "p"),
    wms(3, false, ""),
    wms(4, true, ""),
    wms(5, true, waybill),
  ];
  if (variant === 1) pushes.push(mini("cancelled", 6, "x")); // too late: refused after shipping
  if (variant === 2) pushes.splice(2, 3, mini("cancelled", 3, "x"), wms(4, false, "")); // cancelled before the warehouse
  if (variant !== 2) pushes.push(kuaidi(waybill, "1", 7), kuaidi(waybill, "0", 8));
  if (variant === 0) pushes.push(kuaidi(waybill, "3", 20));
  if (variant === 3) pushes.push(kuaidi(waybill, "14", 21));
  return pushes;
}

async function run(pushes: Push[]): Promise<Map<string, string>> {
  const deps = await testDeps({ WEBHOOK_MAX_SKEW: "0" });
  try {
    const api = client(deps);
    for (const p of pushes) {
      const res = p.form
        ? await api.raw(`/webhooks/${p.source}`, {
            method: "POST",
            body: p.body,
            headers: { "content-type": "application/x-www-form-urlencoded" },
          })
        : await api.own(p.source, p.body);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    await deps.tasks.drain();
    // Carrier pushes that came before the waybill was known are retried until they link.
    for (let round = 0; round < 5; round++) {
      deps.clock.advance(3_600_000);
      const out = await processDue({
        db: deps.db,
        writer: deps.writer,
        ctx: deps.processContext,
        now: deps.clock.now,
        includeFresh: true,
      });
      if (out.length === 0) break;
    }
    const anchors = new Map<string, string>();
    for (const no of new Set(pushes.map((p) => (p.form ? null : (JSON.parse(p.body).order_no as string))))) {
      if (no) anchors.set(no, (await api.order(no)).body.status_anchor);
    }
    return anchors;
  } finally {
    await deps.close();
  }
}

describe("a shuffled multi-source event stream", () => {
  it("ends every order on the same anchor whatever the order of arrival", async () => {
    const stream = Array.from({ length: 8 }, (_, i) => lifecycle(i, i % 4)).flat();
    const inOrder = await run(stream);
    expect([...inOrder.values()]).toEqual([
      "delivered",
      "in_transit",
      "cancelled",
      "after_sale",
      "delivered",
      "in_transit",
      "cancelled",
      "after_sale",
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(stream, { minLength: stream.length, maxLength: stream.length }),
        async (shuffled) => {
          expect(await run(shuffled)).toEqual(inOrder);
        },
      ),
      { numRuns: 8 },
    );
  });
});
