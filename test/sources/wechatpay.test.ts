import { createCipheriv, randomBytes, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  adapters,
  type ParseContext,
  ParseError,
  type RawPush,
  type VerifyContext,
} from "../../src/sources/index.ts";
import { fixtureJson, rawPush } from "./helpers.ts";

const wechatpay = adapters.wechatpay;

interface Vector {
  keys: {
    apiv3_key: string;
    platform_public_key_id: string;
    platform_public_key_pem: string;
    platform_private_key_pem: string;
  };
  request: { headers: Record<string, string>; body: string };
  signing: { message: string };
  plaintext: string;
  negative_cases: { name: string; headers: Record<string, string>; body: string; expect: string }[];
}

const V = fixtureJson<Vector>("wechatpay-v3-vector.json");
const TS = Number(V.request.headers["Wechatpay-Timestamp"]);
const VECTOR_NOW_MS = TS * 1000;
const KEY_ID = V.keys.platform_public_key_id;
const PARSE: ParseContext = { wechatpayApiV3Key: V.keys.apiv3_key };

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

const vectorPush = (over: Partial<{ headers: Record<string, string>; body: string }> = {}): RawPush =>
  rawPush(over.body ?? V.request.body, lower(over.headers ?? V.request.headers));

const vctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({
  secret: undefined,
  nowMs: VECTOR_NOW_MS,
  maxSkewSec: 300,
  wechatpay: { publicKeys: { [KEY_ID]: V.keys.platform_public_key_pem } },
  ...over,
});

/** Signs a body the way WeChat Pay does, with the vector's "platform" private key. */
function signed(body: string, tsSec = TS, nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"): RawPush {
  const message = `${tsSec}\n${nonce}\n${body}\n`;
  const signature = sign("sha256", Buffer.from(message, "utf8"), V.keys.platform_private_key_pem);
  return rawPush(body, {
    "content-type": "application/json",
    "wechatpay-timestamp": String(tsSec),
    "wechatpay-nonce": nonce,
    "wechatpay-serial": KEY_ID,
    "wechatpay-signature": signature.toString("base64"),
    "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
  });
}

/** AES-256-GCM as WeChat Pay encrypts a resource: base64(ciphertext ‖ 16-byte tag). */
function encrypt(plaintext: string, nonce: string, aad: string, key = V.keys.apiv3_key): string {
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([ct, cipher.getAuthTag()]).toString("base64");
}

function envelope(eventType: string, resource: object, originalType = "transaction", aad = originalType) {
  const nonce = randomBytes(9).toString("base64");
  return JSON.stringify({
    id: "5f1c1f4e-7c8e-4d6f-9d39-1c0b7a3e9a11",
    create_time: "2026-11-29T10:00:02+08:00",
    resource_type: "encrypt-resource",
    event_type: eventType,
    summary: "test",
    resource: {
      original_type: originalType,
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: encrypt(JSON.stringify(resource), nonce, aad),
      associated_data: aad,
      nonce,
    },
  });
}

const TRANSACTION = JSON.parse(V.plaintext) as Record<string, unknown>;

/** Parses with the vector's APIv3 key (or `ctx`) and returns the ParseError it must throw. */
function parseError(push: RawPush, ctx: ParseContext = PARSE): ParseError {
  let caught: unknown;
  try {
    wechatpay.parse(push, ctx);
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected parse to throw").toBeInstanceOf(ParseError);
  return caught as ParseError;
}

describe("wechatpay signature", () => {
  it("the vector's signed message is timestamp, nonce and raw body, each line ending in \\n", () => {
    const h = V.request.headers;
    expect(V.signing.message).toBe(
      `${h["Wechatpay-Timestamp"]}\n${h["Wechatpay-Nonce"]}\n${V.request.body}\n`,
    );
  });

  it("verifies the vector's request", () => {
    expect(wechatpay.verify(vectorPush(), vctx())).toEqual({ ok: true });
  });

  it("verifies with the clock check off, whatever the time", () => {
    expect(wechatpay.verify(vectorPush(), vctx({ nowMs: 0, maxSkewSec: 0 }))).toEqual({ ok: true });
  });

  it("verifies a fresh body signed with the platform private key", () => {
    const body = envelope("TRANSACTION.SUCCESS", { ...TRANSACTION, out_trade_no: "OOS-FRESH-1" });
    const push = signed(body, TS + 60);
    expect(wechatpay.verify(push, vctx({ nowMs: (TS + 90) * 1000 }))).toEqual({ ok: true });
    // …and the same signature does not cover a different nonce.
    const otherNonce = { ...push, headers: { ...push.headers, "wechatpay-nonce": "X" } };
    expect(wechatpay.verify(otherNonce, vctx({ nowMs: (TS + 90) * 1000 }))).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("verifies over the raw bytes, not re-serialised JSON", () => {
    const pretty = JSON.stringify(JSON.parse(V.request.body), null, 2);
    expect(wechatpay.verify(vectorPush({ body: pretty }), vctx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it.each(V.negative_cases.map((c) => [c.name, c] as const))("rejects the %s case as a mismatch", (_n, c) => {
    expect(wechatpay.verify(vectorPush({ headers: c.headers, body: c.body }), vctx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("has the negative cases it claims: probe, unknown serial, tampered body", () => {
    const names = V.negative_cases.map((c) => c.name);
    expect(names).toEqual(["signature probe", "unknown serial", "tampered body"]);
    expect(V.negative_cases[0]!.headers["Wechatpay-Signature"]).toMatch(/^WECHATPAY\/SIGNTEST\//);
  });

  it("says stale for a genuine signature outside the window", () => {
    expect(wechatpay.verify(vectorPush(), vctx({ nowMs: VECTOR_NOW_MS + 301_000 }))).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(wechatpay.verify(vectorPush(), vctx({ nowMs: VECTOR_NOW_MS - 301_000 }))).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(wechatpay.verify(vectorPush(), vctx({ nowMs: VECTOR_NOW_MS + 300_000 }))).toEqual({ ok: true });
  });

  it("says mismatch, not stale, for a forged push whatever its timestamp", () => {
    const forged = vectorPush({ body: V.negative_cases[2]!.body });
    expect(wechatpay.verify(forged, vctx({ nowMs: VECTOR_NOW_MS + 86_400_000 }))).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("says no_secret when no keys are configured", () => {
    expect(wechatpay.verify(vectorPush(), vctx({ wechatpay: undefined }))).toEqual({
      ok: false,
      reason: "no_secret",
    });
    expect(wechatpay.verify(vectorPush(), vctx({ wechatpay: { publicKeys: {} } }))).toEqual({
      ok: false,
      reason: "no_secret",
    });
  });

  it.each(["wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature", "wechatpay-serial"])(
    "says missing without %s",
    (name) => {
      const push = vectorPush();
      const { [name]: _gone, ...headers } = push.headers;
      expect(wechatpay.verify({ ...push, headers }, vctx())).toEqual({ ok: false, reason: "missing" });
      expect(wechatpay.verify({ ...push, headers: { ...headers, [name]: "  " } }, vctx())).toEqual({
        ok: false,
        reason: "missing",
      });
    },
  );

  it.each([
    ["a non-numeric timestamp", { "wechatpay-timestamp": "17958495l2" }],
    ["a signature that is not base64", { "wechatpay-signature": "not base64!" }],
    ["a truncated signature", { "wechatpay-signature": "oVRU+jpgpdVWm+/EzX9whoQiXsl3" }],
    ["an Object.prototype serial", { "wechatpay-serial": "constructor" }],
  ])("says mismatch for %s, without throwing", (_n, over) => {
    const push = vectorPush();
    expect(wechatpay.verify({ ...push, headers: { ...push.headers, ...over } }, vctx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("says mismatch when the configured key is not a usable RSA public key", () => {
    const ctx = vctx({ wechatpay: { publicKeys: { [KEY_ID]: "-----BEGIN PUBLIC KEY-----\nnope\n" } } });
    expect(wechatpay.verify(vectorPush(), ctx)).toEqual({ ok: false, reason: "mismatch" });
  });

  it("picks the key by serial among several", () => {
    const other = "PUB_KEY_ID_0119000123452026112800118226000001";
    const ctx = vctx({
      wechatpay: { publicKeys: { [other]: "garbage", [KEY_ID]: V.keys.platform_public_key_pem } },
    });
    expect(wechatpay.verify(vectorPush(), ctx)).toEqual({ ok: true });
  });
});

describe("wechatpay parse", () => {
  it("decrypts the vector's transaction into the canonical payment event", () => {
    const events = wechatpay.parse(vectorPush(), PARSE);
    expect(events).toEqual([
      {
        source: "wechatpay",
        kind: "payment",
        sourceEventId: "pay:4200002345202611281234567890",
        orderRef: { orderNo: "OOS20261128150455A1B2" },
        eventTime: Date.parse("2026-11-28T15:05:10+08:00"),
        rawStatus: "SUCCESS",
        fields: { status: "paid", amount: 15800, payer_total: 15800 },
      },
    ]);
  });

  it("emits the same kind and fields as the PSP-neutral payment source", () => {
    const [wx] = wechatpay.parse(vectorPush(), PARSE);
    const [psp] = adapters.payment.parse(
      rawPush(
        JSON.stringify({
          order_no: "OOS20261128150455A1B2",
          payment_id: "4200002345202611281234567890",
          amount: 15800,
          paid_at: "2026-11-28T15:05:10+08:00",
        }),
      ),
    );
    expect(wx!.kind).toBe(psp!.kind);
    expect(wx!.sourceEventId).toBe(psp!.sourceEventId);
    expect(wx!.orderRef).toEqual(psp!.orderRef);
    expect(wx!.eventTime).toBe(psp!.eventTime);
    expect(wx!.fields).toMatchObject(psp!.fields);
  });

  it("keys the delivery by notification id and acks the WeChat Pay way", () => {
    const push = vectorPush();
    expect(wechatpay.deliveryKey(wechatpay.parse(push, PARSE), push)).toBe(
      "wxn:a0fc5a8b-010b-4a1e-97a4-c76c19aa879d",
    );
    expect(wechatpay.ack).toEqual({
      status: 200,
      contentType: "application/json",
      body: '{"code":"SUCCESS","message":"成功"}',
    });
  });

  it("parses a fresh envelope encrypted with the vector's key", () => {
    const body = envelope("TRANSACTION.SUCCESS", {
      ...TRANSACTION,
      out_trade_no: "OOS-FRESH-2",
      transaction_id: "4200002345202611299999999999",
      amount: { total: 990, currency: "CNY" },
    });
    const events = wechatpay.parse(signed(body), PARSE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      sourceEventId: "pay:4200002345202611299999999999",
      orderRef: { orderNo: "OOS-FRESH-2" },
      fields: { status: "paid", amount: 990 },
    });
    expect(events[0]!.fields).not.toHaveProperty("payer_total");
  });

  it("decrypts with empty associated_data", () => {
    const body = envelope("TRANSACTION.SUCCESS", TRANSACTION, "transaction", "");
    expect(wechatpay.parse(rawPush(body), PARSE)).toHaveLength(1);
  });

  it("returns [] for a refund notification, keyed by its notification id", () => {
    const refund = {
      mchid: "1900012345",
      out_trade_no: "OOS20261128150455A1B2",
      transaction_id: "4200002345202611281234567890",
      out_refund_no: "R20261129000001",
      refund_id: "50000000382019052709732678859",
      refund_status: "SUCCESS",
      success_time: "2026-11-29T10:00:00+08:00",
      user_received_account: "招商银行信用卡0403",
      amount: { total: 15800, refund: 15800, payer_total: 15800, payer_refund: 15800 },
    };
    const push = signed(envelope("REFUND.SUCCESS", refund, "refund"));
    expect(wechatpay.verify(push, vctx())).toEqual({ ok: true });
    const events = wechatpay.parse(push, PARSE);
    expect(events).toEqual([]);
    expect(wechatpay.deliveryKey(events, push)).toBe("wxn:5f1c1f4e-7c8e-4d6f-9d39-1c0b7a3e9a11");
  });

  it.each(["NOTPAY", "CLOSED", "REFUND", "PAYERROR"])("returns [] for trade_state %s", (state) => {
    const body = envelope("TRANSACTION.SUCCESS", { ...TRANSACTION, trade_state: state });
    expect(wechatpay.parse(rawPush(body), PARSE)).toEqual([]);
  });

  it("returns [] for an unknown event type", () => {
    expect(wechatpay.parse(rawPush(envelope("TRANSACTION.SOMETHING", TRANSACTION)), PARSE)).toEqual([]);
  });
});

describe("wechatpay parse on malformed input", () => {
  const body = V.request.body;
  const withResource = (over: Record<string, unknown>) => {
    const env = JSON.parse(body) as { resource: Record<string, unknown> };
    return JSON.stringify({ ...env, resource: { ...env.resource, ...over } });
  };
  const ciphertext = (JSON.parse(body) as { resource: { ciphertext: string } }).resource.ciphertext;

  it("throws ParseError on truncated JSON", () => {
    parseError(rawPush(body.slice(0, 200)));
  });

  it("throws ParseError on another algorithm", () => {
    const err = parseError(rawPush(withResource({ algorithm: "AEAD_AES_128_GCM" })));
    expect(err.path).toBe("resource.algorithm");
  });

  it.each([
    ["a flipped ciphertext character", 10],
    ["a flipped tag character", ciphertext.length - 6],
  ])("throws ParseError on %s", (_n, at) => {
    const flipped = ciphertext.slice(0, at) + (ciphertext[at] === "A" ? "B" : "A") + ciphertext.slice(at + 1);
    expect(flipped).not.toBe(ciphertext);
    expect(parseError(rawPush(withResource({ ciphertext: flipped }))).path).toBe("resource.ciphertext");
  });

  it.each([
    ["a tampered nonce", { nonce: "ganAmgVaiGd7" }],
    ["tampered associated_data", { associated_data: "refund" }],
    ["ciphertext that is not base64", { ciphertext: "!!!not-base64!!!" }],
    ["ciphertext shorter than a tag", { ciphertext: "AAAA" }],
  ])("throws ParseError on %s", (_n, over) => {
    parseError(rawPush(withResource(over)));
  });

  it("throws ParseError with a wrong, missing or wrong-length APIv3 key", () => {
    const push = vectorPush();
    const wrong = `${V.keys.apiv3_key.slice(0, 31)}X`;
    expect(parseError(push, { wechatpayApiV3Key: wrong }).path).toBe("resource.ciphertext");
    expect(parseError(push, {}).message).toMatch(/not configured/);
    expect(() => wechatpay.parse(push)).toThrow(ParseError);
    expect(parseError(push, { wechatpayApiV3Key: "short" }).message).toMatch(/32 bytes/);
    // 32 characters but not 32 bytes: the key is the UTF-8 bytes, not the characters.
    expect(parseError(push, { wechatpayApiV3Key: `支${wrong.slice(1)}` }).message).toMatch(/32 bytes/);
  });

  it.each([
    ["no resource", (e: Record<string, unknown>) => ({ ...e, resource: undefined })],
    ["a string resource", (e: Record<string, unknown>) => ({ ...e, resource: "x" })],
    ["no event_type", (e: Record<string, unknown>) => ({ ...e, event_type: undefined })],
    ["no id", (e: Record<string, unknown>) => ({ ...e, id: undefined })],
  ])("throws ParseError on an envelope with %s", (_n, edit) => {
    parseError(rawPush(JSON.stringify(edit(JSON.parse(body) as Record<string, unknown>))));
  });

  it.each(["algorithm", "ciphertext", "nonce"])("throws ParseError when resource.%s is missing", (field) => {
    expect(parseError(rawPush(withResource({ [field]: undefined }))).path).toBe(`resource.${field}`);
  });

  it.each([
    ["no transaction_id", { transaction_id: undefined }, "resource.transaction_id"],
    ["no out_trade_no", { out_trade_no: "" }, "resource.out_trade_no"],
    ["no amount", { amount: undefined }, "resource.amount"],
    ["an amount in yuan", { amount: { total: "158.00" } }, "resource.amount.total"],
    ["a negative amount", { amount: { total: -1 } }, "resource.amount.total"],
    ["a success_time without a zone", { success_time: "2026-11-28 15:05:10" }, "resource.success_time"],
  ])("throws ParseError on a decrypted transaction with %s", (_n, over, path) => {
    expect(parseError(rawPush(envelope("TRANSACTION.SUCCESS", { ...TRANSACTION, ...over }))).path).toBe(path);
  });

  it("throws ParseError when the decrypted resource is not JSON", () => {
    const nonce = "abcdefghijkl";
    const env = JSON.parse(body) as { resource: Record<string, unknown> };
    const push = rawPush(
      JSON.stringify({
        ...env,
        resource: { ...env.resource, nonce, ciphertext: encrypt('{"trade_state":', nonce, "transaction") },
      }),
    );
    parseError(push);
  });
});
