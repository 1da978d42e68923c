/**
 * Text helpers shared by the router, the renderers and the notifiers.
 */

/** Full-width characters to half-width, ideographic spaces to spaces, runs of space to one. */
export function normalizeInput(s: string): string {
  return s
    .normalize("NFKC")
    .replace(/[\u200b-\u200d\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** 13800000000 → 138****0000; anything shorter keeps its first and last character. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "";
  const p = phone.trim();
  if (p.length >= 7) return `${p.slice(0, 3)}****${p.slice(-4)}`;
  if (p.length <= 2) return "*".repeat(p.length);
  return `${p[0]}${"*".repeat(p.length - 2)}${p.at(-1)}`;
}

/** Keeps the region and hides the street: 浙江省 杭州市 西湖区 ****. */
export function maskAddress(a: {
  province?: string | null;
  city?: string | null;
  district?: string | null;
}): string {
  return [a.province, a.city, a.district, "****"].filter(Boolean).join(" ");
}

/**
 * Splits text into chunks of at most `maxBytes` UTF-8 bytes, preferring line breaks, never
 * cutting a character (or a surrogate pair) in half.
 */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new Error("maxBytes must be at least 4");
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  if (bytes(text) <= maxBytes) return [text];
  const chunks: string[] = [];
  let current = "";
  const push = () => {
    if (current) chunks.push(current);
    current = "";
  };
  for (const line of text.split(/(?<=\n)/)) {
    if (bytes(current) + bytes(line) <= maxBytes) {
      current += line;
      continue;
    }
    push();
    if (bytes(line) <= maxBytes) {
      current = line;
      continue;
    }
    for (const ch of line) {
      if (bytes(current) + bytes(ch) > maxBytes) push();
      current += ch;
    }
  }
  push();
  return chunks;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds → "11-28 10:00" in the display time zone (formatters are cached: building one costs ~0.1 ms). */
export function shortTime(ms: number | null | undefined, timeZone: string): string {
  if (ms == null) return "—";
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("zh-CN", {
      timeZone,
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    formats.set(timeZone, f);
  }
  return f.format(new Date(ms)).replace(/\//g, "-");
}

/** Integer cents → "¥1,234.50". */
export function yuan(cents: number | null | undefined): string {
  if (cents == null) return "—";
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, "0")}`;
}
