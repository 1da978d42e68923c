import { inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { inbox } from "../../src/db/schema/index.ts";
import { settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client } from "../helpers/push.ts";
import { healthNotices, postShopee, shopeeDetail, tick } from "./helpers.ts";

let deps: TestDeps;
afterEach(async () => deps.close());

const KB = 1024;
const HOUR = 3_600_000;

describe("a platform's payload change is warned about before it breaks intake", () => {
  it("warns the integration owner, naming buyer_address_detail, before the first push fails", async () => {
    // The receiver in the story refused bodies over 2 MB.
    deps = await testDeps({ BODY_LIMIT: "2mb" });
    const api = client(deps);

    // A week of ordinary 40 KB order details: the baseline.
    deps.clock.set(T0 - 7 * 24 * HOUR);
    for (let i = 0; i < 30; i++) {
      const res = await postShopee(deps, api, shopeeDetail(`26112800BASE${i}`, 40 * KB));
      expect(res.status, await res.clone().text()).toBe(200);
      deps.clock.advance(5 * HOUR);
      await settle(deps);
    }
    deps.clock.set(T0);
    await tick(deps);
    expect(healthNotices(deps)).toEqual([]);

    // The recorded stream: a few normal pushes, then the new nested field and the payload growing.
    const stream: Array<{ sn: string; size: number; detail: boolean }> = [
      ...[1, 2, 3].map((i) => ({ sn: `26112810NORM${i}`, size: 40 * KB, detail: false })),
      ...[60 * KB, 150 * KB, 400 * KB, 800 * KB, 1200 * KB, 1600 * KB, 2150 * KB].map((size, i) => ({
        sn: `26112810GROW${i}`,
        size,
        detail: true,
      })),
    ];
    const log: Array<{
      size: number;
      status: number;
      inboxId: number;
      /** Health notices before this push was posted, and once it was stored and processed. */
      noticesBefore: number;
      noticesAfter: number;
    }> = [];
    let firstFailure: number | null = null;
    for (const [i, p] of stream.entries()) {
      const noticesBefore = healthNotices(deps).length;
      const body = shopeeDetail(p.sn, p.size, { addressDetail: p.detail });
      const res = await postShopee(deps, api, body);
      await settle(deps);
      const failed = await deps.db
        .select({ id: inbox.id })
        .from(inbox)
        .where(inArray(inbox.status, ["failed", "dead", "rejected"]));
      if (firstFailure === null && (res.status >= 400 || failed.length > 0)) firstFailure = i;
      log.push({
        size: Buffer.byteLength(body),
        status: res.status,
        inboxId: Number(res.headers.get("x-inbox-id")),
        noticesBefore,
        noticesAfter: healthNotices(deps).length,
      });
      deps.clock.advance(60_000);
      await tick(deps);
    }

    // The story's failure did happen: the 2.1 MB push was refused with 413.
    expect(log.at(-1)).toMatchObject({ status: 413 });
    expect(log.at(-1)!.size).toBeGreaterThan(2_100_000);
    expect(firstFailure).toBe(stream.length - 1);

    const notices = healthNotices(deps);
    const fieldNotice = notices.find((n) => n.text.includes("buyer_address_detail"));
    expect(fieldNotice, JSON.stringify(notices, null, 2)).toBeDefined();
    // It went out as soon as the first push carrying the field was processed (not at the next
    // tick of the job), long before the 413.
    const firstWithField = stream.findIndex((p) => p.detail);
    const sentAt = notices.indexOf(fieldNotice!);
    expect(sentAt).toBeGreaterThanOrEqual(log[firstWithField]!.noticesBefore);
    expect(sentAt).toBeLessThan(log[firstWithField]!.noticesAfter);
    expect(sentAt).toBeLessThan(log[firstFailure!]!.noticesBefore);
    expect(fieldNotice!.text).toContain(
      `response.order_list[].recipient_address.buyer_address_detail(object),首次见于 inbox #${log[firstWithField]!.inboxId}`,
    );
    // The size trend and the approach to BODY_LIMIT were warned about before the 413 too.
    const before413 = notices.slice(0, log[firstFailure!]!.noticesBefore);
    expect(before413.map((n) => n.title).join("\n")).toMatch(/包体 p95 相比 7 天基线增长/);
    expect(before413.map((n) => n.title).join("\n")).toMatch(/包体接近 BODY_LIMIT/);
    // And the 413 itself was told at once, as a P1.
    const after = notices.slice(log[firstFailure!]!.noticesBefore);
    expect(after.find((n) => n.title.includes("413"))).toMatchObject({ severity: "P1" });

    process.stdout.write(
      `\n--- the warning the integration owner received ---\n${fieldNotice!.title}\n${fieldNotice!.text}\n---\n${notices
        .map((n) => `[${n.severity}] ${n.title}`)
        .join("\n")}\n`,
    );
  }, 120_000);
});
