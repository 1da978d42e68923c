import type { Reader } from "../db/client.ts";
import { itemView, runItems } from "./queries.ts";

const COLUMNS = [
  "order_no",
  "kind",
  "kind_label",
  "anchor",
  "detail",
  "suggestion",
  "first_seen_at",
  "resolved_at",
] as const;

function cell(v: unknown): string {
  const s = v == null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A run's full list as CSV, read page by page as the client pulls, so a list of any length is
 * never held in memory. Starts with a BOM so Excel opens the Chinese text as UTF-8.
 */
export function driftCsv(db: Reader, runId: number, pageSize = 1000): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let after: number | null = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(enc.encode(`\uFEFF${COLUMNS.join(",")}\r\n`));
        return;
      }
      if (after === null) {
        controller.close();
        return;
      }
      const page = await runItems(db, runId, { after, limit: pageSize });
      const lines = page.items.map((i) => {
        const v = itemView(i);
        return `${COLUMNS.map((c) => cell(v[c])).join(",")}\r\n`;
      });
      if (lines.length) controller.enqueue(enc.encode(lines.join("")));
      after = page.nextAfter;
      if (after === null) controller.close();
    },
  });
}
