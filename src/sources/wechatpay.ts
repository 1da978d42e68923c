import { constants, createDecipheriv, createPublicKey, type KeyObject, verify } from "node:crypto";
import { parseJson, parseJsonBody } from "./json.ts";
import { guarded } from "./kit.ts";
import { ParseError } from "./parse-error.ts";
import { asObj, type Obj, optInt, optStr, reqInt, reqObj, reqStr } from "./read.ts";
import { rfc3339ToMs } from "./time.ts";
import type {
  CanonicalEvent,
  ParseContext,
  RawPush,
  SourceAdapter,
  VerifyContext,
  VerifyResult,
} from "./types.ts";

/**
 * WeChat Pay API v3 payment notifications (test/fixtures/SOURCES.md §5).
 *
 * verify: `Wechatpay-Signature` is base64 SHA256withRSA (PKCS#1 v1.5) over
 * `${Wechatpay-Timestamp}\n${Wechatpay-Nonce}\n${raw body}\n`, made with the WeChat Pay key that
 * `Wechatpay-Serial` names (a `PUB_KEY_ID_…` or a platform certificate serial).
 *
 * parse: the envelope's `resource` is AES-256-GCM encrypted with the merchant's APIv3 key. Only
 * `TRANSACTION.SUCCESS` with `trade_state == "SUCCESS"` becomes an event: the same "payment" event
 * the PSP-neutral `payment` source emits. Every other notification (REFUND.SUCCESS / ABNORMAL /
 * CLOSED, other trade states, unknown event types) parses to [] — the push is still decrypted,
 * so a wrong key or a tampered resource is a ParseError, then stored and acknowledged with
 * nothing to apply.
 */

export const WECHATPAY_TIMESTAMP_HEADER = "wechatpay-timestamp";
export const WECHATPAY_NONCE_HEADER = "wechatpay-nonce";
export const WECHATPAY_SIGNATURE_HEADER = "wechatpay-signature";
export const WECHATPAY_SERIAL_HEADER = "wechatpay-serial";

/** The success answer older docs ask for; newer docs accept 200/204 with any body. */
export const WECHATPAY_ACK: SourceAdapter["ack"] = {
  status: 200,
  contentType: "application/json",
  body: '{"code":"SUCCESS","message":"成功"}',
};

const TIMESTAMP = /^\d{1,12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const GCM_TAG_BYTES = 16;
const ALGORITHM = "AEAD_AES_256_GCM";

/** Parsed public keys by PEM text (null when the PEM is unusable), so each is parsed once. */
const keyCache = new Map<string, KeyObject | null>();

function publicKey(pem: string): KeyObject | null {
  let key = keyCache.get(pem);
  if (key === undefined) {
    try {
      // A PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE PEM all yield the public key.
      key = createPublicKey(pem);
      if (key.asymmetricKeyType !== "rsa") key = null;
    } catch {
      key = null;
    }
    keyCache.set(pem, key);
  }
  return key;
}

/** The exact bytes WeChat Pay signs: three lines, each ending in "\n", over the raw body. */
export function wechatpayMessage(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, "utf8"), body, Buffer.from("\n", "utf8")]);
}

/**
 * Signature first, clock second (as verifyOwn): a forged push reads "mismatch" whatever its
 * timestamp. An unknown serial, an unusable configured key and the `WECHATPAY/SIGNTEST/` probe
 * are all plain mismatches. Never throws.
 */
export function verifyWechatpay(push: RawPush, ctx: VerifyContext): VerifyResult {
  const keys = ctx.wechatpay?.publicKeys;
  if (!keys || Object.keys(keys).length === 0) return { ok: false, reason: "no_secret" };
  const ts = push.headers[WECHATPAY_TIMESTAMP_HEADER]?.trim();
  const nonce = push.headers[WECHATPAY_NONCE_HEADER]?.trim();
  const sig = push.headers[WECHATPAY_SIGNATURE_HEADER]?.trim();
  const serial = push.headers[WECHATPAY_SERIAL_HEADER]?.trim();
  if (!ts || !nonce || !sig || !serial) return { ok: false, reason: "missing" };
  if (!TIMESTAMP.test(ts) || !BASE64.test(sig)) return { ok: false, reason: "mismatch" };
  const pem = Object.hasOwn(keys, serial) ? keys[serial] : undefined;
  const key = typeof pem === "string" ? publicKey(pem) : null;
  if (!key) return { ok: false, reason: "mismatch" };
  let valid: boolean;
  try {
    valid = verify(
      "sha256",
      wechatpayMessage(ts, nonce, push.body),
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(sig, "base64"),
    );
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: "mismatch" };
  if (ctx.maxSkewSec > 0 && Math.abs(ctx.nowMs - Number(ts) * 1000) > ctx.maxSkewSec * 1000) {
    return { ok: false, reason: "stale" };
  }
  return { ok: true };
}

/** The APIv3 key as the 32-byte AES-256 key; absent or the wrong length is a ParseError. */
function aesKey(ctx: ParseContext | undefined): Buffer {
  const text = ctx?.wechatpayApiV3Key;
  if (text === undefined || text === "") {
    throw new ParseError("wechatpay: the APIv3 key is not configured, so the resource cannot be decrypted");
  }
  const key = Buffer.from(text, "utf8");
  if (key.length !== 32) {
    throw new ParseError(`wechatpay: the APIv3 key must be 32 bytes, got ${key.length}`);
  }
  return key;
}

/** Decrypts `resource` (AEAD_AES_256_GCM, ciphertext = base64(ct ‖ 16-byte tag)) to its JSON object. */
function decryptResource(resource: Obj, ctx: ParseContext | undefined): Obj {
  const algorithm = reqStr(resource, "algorithm", "resource");
  if (algorithm !== ALGORITHM) {
    throw new ParseError(
      `unsupported algorithm ${JSON.stringify(algorithm).slice(0, 40)}`,
      "resource.algorithm",
    );
  }
  const ciphertext = reqStr(resource, "ciphertext", "resource");
  const nonce = reqStr(resource, "nonce", "resource");
  const aad = optStr(resource, "associated_data", "resource") ?? "";
  if (!BASE64.test(ciphertext)) throw new ParseError("ciphertext is not base64", "resource.ciphertext");
  const sealed = Buffer.from(ciphertext, "base64");
  if (sealed.length <= GCM_TAG_BYTES) {
    throw new ParseError("ciphertext is too short to hold a GCM tag", "resource.ciphertext");
  }
  const key = aesKey(ctx);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "utf8"), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    plain = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new ParseError(
      "resource does not decrypt (wrong APIv3 key, or a tampered ciphertext, nonce or associated_data)",
      "resource.ciphertext",
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new ParseError("decrypted resource is not valid UTF-8", "resource");
  }
  return asObj(parseJson(text, "resource"), "resource");
}

function parseWechatpay(push: RawPush, ctx: ParseContext | undefined): CanonicalEvent[] {
  const envelope = asObj(parseJsonBody(push.body), "$");
  reqStr(envelope, "id", "");
  const eventType = reqStr(envelope, "event_type", "");
  const resource = decryptResource(reqObj(envelope, "resource", ""), ctx);
  if (eventType !== "TRANSACTION.SUCCESS") return [];

  const base = "resource";
  const tradeState = reqStr(resource, "trade_state", base);
  if (tradeState !== "SUCCESS") return [];
  const transactionId = reqStr(resource, "transaction_id", base).trim();
  const orderNo = reqStr(resource, "out_trade_no", base).trim();
  const eventTime = rfc3339ToMs(resource.success_time, `${base}.success_time`);
  const amount = reqObj(resource, "amount", base);
  const total = reqInt(amount, "total", `${base}.amount`);
  if (total < 0) throw new ParseError(`expected a non-negative amount, got ${total}`, `${base}.amount.total`);
  const payerTotal = optInt(amount, "payer_total", `${base}.amount`);

  const fields: CanonicalEvent["fields"] = { status: "paid", amount: total };
  if (payerTotal !== undefined) fields.payer_total = payerTotal;
  return [
    {
      source: "wechatpay",
      kind: "payment",
      sourceEventId: `pay:${transactionId}`,
      orderRef: { orderNo },
      eventTime,
      rawStatus: tradeState,
      fields,
    },
  ];
}

/** `wxn:<notification id>`: refunds and other empty parses still de-duplicate by notification. */
function wechatpayDeliveryKey(_events: CanonicalEvent[], push: RawPush): string | null {
  try {
    const id = asObj(parseJsonBody(push.body), "$").id;
    return typeof id === "string" && id.trim() !== "" ? `wxn:${id.trim()}` : null;
  } catch {
    return null;
  }
}

export const wechatpay: SourceAdapter = {
  name: "wechatpay",
  verify: verifyWechatpay,
  parse: (push, ctx) => guarded("wechatpay", (p) => parseWechatpay(p, ctx))(push),
  deliveryKey: wechatpayDeliveryKey,
  ack: WECHATPAY_ACK,
};
