import { XMLParser } from "fast-xml-parser";

/** One field path of a payload: its JSON type and a short example value. */
export interface FieldSample {
  type: "object" | "array" | "string" | "number" | "boolean" | "null";
  example: string;
}

const MAX_DEPTH = 12;
const MAX_PATHS = 2000;
/** Arrays are sampled: their first elements show the element shape without walking 10,000 of them. */
const ARRAY_SAMPLE = 3;
const EXAMPLE_CHARS = 120;
/** Strings that hold JSON (Taobao TMC `content`) are opened when no bigger than this. */
const EMBEDDED_JSON_MAX = 256 * 1024;

function typeOf(v: unknown): FieldSample["type"] {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean" ? t : "object";
}

/**
 * A short JSON preview: written only until it is long enough, so a field holding 2 MB (or 5,000
 * levels) costs no more than a small one. Containers say how many items they hold.
 */
function excerpt(v: unknown, text: (s: string) => string, unit: string): string {
  let out = "";
  const put = (s: string) => {
    out += s;
    return out.length < EXAMPLE_CHARS;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (typeof x === "string") {
      if (x.length <= EXAMPLE_CHARS) return put(JSON.stringify(text(x)));
      put(JSON.stringify(text(x.slice(0, EXAMPLE_CHARS))));
      return false; // cut: the preview says so
    }
    if (x === null || typeof x !== "object") return put(String(JSON.stringify(x) ?? null));
    if (depth > 8) return put("…");
    if (Array.isArray(x)) {
      if (!put("[")) return false;
      for (let i = 0; i < x.length; i++) if ((i > 0 && !put(",")) || !walk(x[i], depth + 1)) return false;
      return put("]");
    }
    if (!put("{")) return false;
    let first = true;
    for (const k in x) {
      if ((!first && !put(",")) || !put(`${JSON.stringify(text(k))}:`)) return false;
      first = false;
      if (!walk((x as Record<string, unknown>)[k], depth + 1)) return false;
    }
    return put("}");
  };
  if (walk(v, 0) && out.length <= EXAMPLE_CHARS) return out;
  const size =
    typeof v === "string"
      ? `${v.length} ${unit}`
      : Array.isArray(v)
        ? `${v.length} 项`
        : v && typeof v === "object"
          ? `${Object.keys(v).length} 个键`
          : "";
  return `${out.slice(0, EXAMPLE_CHARS)}…${size ? `(${size})` : ""}`;
}

function embeddedJson(s: string): unknown {
  const c = s.trimStart()[0];
  if ((c !== "{" && c !== "[") || s.length > EMBEDDED_JSON_MAX) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/**
 * Every field path of a decoded payload: `a.b`, `list[].c` for array elements, and `content<json>.x`
 * inside a string that holds JSON. Bounded in depth, paths and array elements, so a huge payload
 * costs about what a normal one does. `latin1`: the payload was read one byte per character
 * (bodyFields), so keys and examples are turned back into UTF-8 here.
 */
export function payloadFields(root: unknown, opts: { latin1?: boolean } = {}): Map<string, FieldSample> {
  const text = opts.latin1 ? fromLatin1 : (s: string) => s;
  const unit = opts.latin1 ? "字节" : "字符";
  const out = new Map<string, FieldSample>();
  const visit = (v: unknown, path: string, depth: number) => {
    if (out.size >= MAX_PATHS) return;
    const type = typeOf(v);
    if (path && !out.has(path)) out.set(path, { type, example: excerpt(v, text, unit) });
    if (depth >= MAX_DEPTH) return;
    if (type === "array") {
      for (const el of (v as unknown[]).slice(0, ARRAY_SAMPLE)) visit(el, `${path}[]`, depth + 1);
    } else if (type === "object") {
      for (const [k, child] of Object.entries(v as Record<string, unknown>))
        visit(child, path ? `${path}.${text(k)}` : text(k), depth + 1);
    } else if (type === "string") {
      const inner = embeddedJson(v as string);
      if (inner !== undefined && typeof inner === "object" && inner !== null)
        visit(inner, `${path}<json>`, depth + 1);
    }
  };
  visit(root, "", 0);
  return out;
}

/** UTF-8 bytes that were read as latin1, as text again; a character cut in half at the end is dropped. */
function fromLatin1(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for bytes 0x80–0xFF
  if (!/[\x80-\xff]/.test(s) || /[^\x00-\xff]/.test(s)) return s;
  return Buffer.from(s, "latin1")
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

function firstChar(body: Buffer): string {
  for (const b of body)
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return String.fromCharCode(b);
  return "";
}

/**
 * The field paths of a stored body, or null when it is not JSON, XML or a form. JSON is read as
 * latin1, one character per byte: decoding a 5 MB body as UTF-8 costs ~20 ms of the event loop
 * (ten times the JSON.parse), while JSON's structure and its keys (almost always ASCII) read the
 * same either way; the few keys and short examples kept are turned back into UTF-8 afterwards.
 */
export function bodyFields(body: Buffer): Map<string, FieldSample> | null {
  const c = firstChar(body);
  if (c === "{" || c === "[") {
    try {
      return payloadFields(JSON.parse(body.toString("latin1")), { latin1: true });
    } catch {
      return null;
    }
  }
  const decoded = decodePayload(body);
  return decoded === null ? null : payloadFields(decoded);
}

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

/**
 * A stored body as a value to learn the shape of: JSON, XML (Qimen) or a form (Kuaidi100's
 * `param=<json>&sign=…`, whose JSON value is opened by payloadFields). Null when it is none of these.
 */
export function decodePayload(body: Buffer): unknown {
  const text = body.toString("utf8");
  const first = text.trimStart()[0];
  try {
    if (first === "{" || first === "[") return JSON.parse(text);
    if (first === "<") return xml.parse(text);
  } catch {
    return null;
  }
  if (!text.includes("=")) return null;
  return Object.fromEntries(new URLSearchParams(text));
}
