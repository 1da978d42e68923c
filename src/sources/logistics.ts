import { digestsEqual, md5HexUpper } from "./digest.ts";
import { bodyText, parseJson } from "./json.ts";
import { guarded } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, listOf, optStr, optText, reqObj, reqStr } from "./read.ts";
import { chinaTimeToMs } from "./time.ts";
import type {
  CanonicalEvent,
  RawPush,
  ShipmentFacts,
  SourceAdapter,
  VerifyContext,
  VerifyResult,
} from "./types.ts";

/**
 * Kuaidi100 subscription pushes: an x-www-form-urlencoded body with `param` (JSON text) and
 * `sign` = UPPER(hex(MD5(param + salt))), the salt being ours (ctx.secret). The sign covers the
 * decoded `param` string exactly as received, so it is checked before any JSON parsing.
 */
function form(push: RawPush): { param: string | null; sign: string | null } {
  const fields = new URLSearchParams(push.body.toString("utf8"));
  return { param: fields.get("param"), sign: fields.get("sign") };
}

export function verifyKuaidi100(push: RawPush, ctx: VerifyContext): VerifyResult {
  if (!ctx.secret) return { ok: false, reason: "no_secret" };
  const { param, sign } = form(push);
  if (!param || !sign) return { ok: false, reason: "missing" };
  return digestsEqual(md5HexUpper(param + ctx.secret), sign.trim().toUpperCase())
    ? { ok: true }
    : { ok: false, reason: "mismatch" };
}

interface TrackNode {
  text: string;
  at: number;
  area?: string;
  status?: string;
}

function node(raw: unknown, path: string): TrackNode {
  const n = asObj(raw, path);
  const time = optStr(n, "ftime", path) ?? reqStr(n, "time", path);
  return {
    text: optStr(n, "context", path) ?? "",
    at: chinaTimeToMs(time, `${path}.${n.ftime ? "ftime" : "time"}`),
    area: optStr(n, "areaName", path),
    status: optStr(n, "status", path),
  };
}

/**
 * One push → one "tracking" event keyed by waybill. The newest node is taken by time (the list
 * is newest-first, but order is not trusted). A push without nodes has eventTime 0 and no lastNode.
 */
function parseKuaidi100(push: RawPush): CanonicalEvent[] {
  bodyText(push.body); // rejects an empty or non-UTF-8 body up front
  const { param } = form(push);
  if (!param) throw new ParseError("form field param is missing", "param");
  const root = asObj(parseJson(param, "param"), "param");
  const last = reqObj(root, "lastResult", "param");
  const base = "param.lastResult";
  const nu = reqStr(last, "nu", base);
  const state = optText(last, "state", base) ?? null;
  const nodes = listOf(last.data, `${base}.data`).map((n, i) => node(n, `${base}.data.${i}`));
  const newest = nodes.reduce<TrackNode | undefined>(
    (best, n) => (best === undefined || n.at > best.at ? n : best),
    undefined,
  );
  const eventTime = newest?.at ?? 0;
  const pickup = nodes.filter((n) => n.status === "揽收").sort((a, b) => a.at - b.at)[0];
  const shipment: ShipmentFacts = {
    waybillNo: nu,
    carrier: optStr(last, "com", base),
    state: state ?? undefined,
    ...(newest ? { lastNode: { text: newest.text, at: newest.at, area: newest.area } } : {}),
    ...(pickup ? { pickedUpAt: pickup.at } : state === "1" && newest ? { pickedUpAt: newest.at } : {}),
    ...(state === "3" && newest ? { signedAt: newest.at } : {}),
  };
  return [
    {
      source: "logistics",
      kind: "tracking",
      // Kuaidi100 sends no event id; the gateway de-duplicates on the body hash.
      sourceEventId: null,
      orderRef: { waybillNo: nu },
      eventTime,
      rawStatus: state,
      fields: { state, ischeck: optText(last, "ischeck", base) ?? null },
      shipment,
    },
  ];
}

export const logistics: SourceAdapter = {
  name: "logistics",
  verify: verifyKuaidi100,
  parse: guarded("logistics", parseKuaidi100),
  deliveryKey: () => null,
  ack: {
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({ result: true, returnCode: "200", message: "成功" }),
  },
};
