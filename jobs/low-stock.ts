import { listingNotices } from "../src/deps.ts";
import { isLow, listSkus } from "../src/inventory/index.ts";
import { type ListingChange, relist } from "../src/inventory/low-stock.ts";
import type { Job } from "./types.ts";

/** More SKUs than any shop here lists; past it the job says so instead of silently skipping some. */
const MAX_SKUS = 100_000;

/**
 * Every 30 minutes: a safety net behind the stock changes that settle listings themselves. Every
 * SKU whose listed flag disagrees with the low-stock line is settled by the inventory's own
 * `relist` (unlist and open a restock order below the line, list again and close it above), which
 * re-reads the SKU inside the write, so a change that raced this scan is judged on fresh numbers.
 * Purchasing hears of each change, as from any other stock change.
 */
export const lowStockJob: Job = {
  name: "low-stock",
  cron: "*/30 * * * *",
  description: "unlist SKUs below the low-stock line (with a restock order) and relist those above it",
  async run(deps, now, progress) {
    const { settings } = deps;
    const all = await listSkus({ db: deps.db, settings, limit: MAX_SKUS });
    if (all.length === MAX_SKUS) progress(`only the first ${MAX_SKUS} SKUs were checked`);
    const due = all.filter((s) => isLow(s.available, s.safety_stock, settings.lowStockRatio) === s.listed);
    const changes: ListingChange[] = [];
    for (const s of due) {
      const change = await deps.writer.run((tx) => relist(tx, s.sku, settings, now));
      if (change) changes.push(change);
    }
    listingNotices(deps.notifier, changes);
    const unlisted = changes.filter((c) => !c.listed).length;
    if (changes.length) progress(`${unlisted} unlisted, ${changes.length - unlisted} relisted`);
    return { checked: all.length, unlisted, relisted: changes.length - unlisted };
  },
};
