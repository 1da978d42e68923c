import { timingSafeEqual } from "node:crypto";
import { decrypt, getSignature } from "@wecom/crypto";

/** What a callback needs to be opened: the app's callback settings. */
export interface WecomCallbackKeys {
  token: string;
  encodingAesKey: string;
  corpId: string;
  /** Seconds; 0 turns the freshness check off. */
  maxSkew: number;
}

/** The signed parts of one callback: the query parameters and the ciphertext (echostr or Encrypt). */
export interface SignedEnvelope {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

export type VerifyFailure =
  | "malformed"
  | "bad_signature"
  | "stale_timestamp"
  /** Decrypted, but for another ReceiveId (another CorpID, a suite) or garbled by tampering. */
  | "wrong_receiver";

export type Opened = { ok: true; message: string } | { ok: false; reason: VerifyFailure; detail: string };

const fail = (reason: VerifyFailure, detail: string): Opened => ({ ok: false, reason, detail });

// Strict base64: Buffer.from(…, "base64") silently skips bad characters, which would let a
// mangled ciphertext reach the cipher and fail there with a less useful error.
const isBase64 = (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);

/** True when the EncodingAESKey is usable (43 characters that decode to a 32-byte AES key). */
export function isValidAesKey(key: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(key) && Buffer.from(`${key}=`, "base64").length === 32;
}

/** sha1(sort(token, timestamp, nonce, encrypt)), compared in constant time. */
export function signatureMatches(token: string, e: SignedEnvelope): boolean {
  const expected = Buffer.from(getSignature(token, e.timestamp, e.nonce, e.encrypt), "utf8");
  const given = Buffer.from(e.signature.toLowerCase(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Within `maxSkew` seconds of now; WeCom has no such rule, it narrows the replay window only. */
export function timestampFresh(timestamp: string, nowMs: number, maxSkew: number): boolean {
  if (maxSkew === 0) return true;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= maxSkew;
}

/**
 * Decrypts a ciphertext and checks its ReceiveId. `@wecom/crypto` neither checks the id nor
 * rejects bad padding or a too-short plaintext (it throws or returns garbage), so both are
 * caught here and turned into a typed failure.
 */
export function decryptFor(encodingAesKey: string, corpId: string, encrypt: string): Opened {
  if (!isBase64(encrypt)) return fail("malformed", "ciphertext is not base64");
  const size = Buffer.byteLength(encrypt, "base64");
  // AES-CBC blocks are 16 bytes; the plaintext holds at least 16 random + 4 length bytes.
  if (size < 32 || size % 16 !== 0) return fail("malformed", `ciphertext has ${size} bytes`);
  let opened: { message: string; id: string };
  try {
    opened = decrypt(encodingAesKey, encrypt);
  } catch (err) {
    return fail("malformed", `cannot decrypt: ${(err as Error).message}`);
  }
  // Garbage (a wrong key, bad padding, a length past the end) cannot yield the exact CorpID.
  if (!corpId || opened.id !== corpId) return fail("wrong_receiver", "ReceiveId is not this CorpID");
  return { ok: true, message: opened.message };
}

/** Signature, freshness, decryption and ReceiveId, in that order (cheap checks first). */
export function openEnvelope(keys: WecomCallbackKeys, e: Partial<SignedEnvelope>, nowMs: number): Opened {
  const { signature, timestamp, nonce, encrypt } = e;
  if (!signature || !timestamp || !nonce || !encrypt)
    return fail("malformed", "msg_signature, timestamp, nonce and the ciphertext are required");
  const envelope = { signature, timestamp, nonce, encrypt };
  if (!signatureMatches(keys.token, envelope)) return fail("bad_signature", "msg_signature does not match");
  if (!timestampFresh(timestamp, nowMs, keys.maxSkew))
    return fail("stale_timestamp", `timestamp is more than ${keys.maxSkew}s away from now`);
  return decryptFor(keys.encodingAesKey, keys.corpId, encrypt);
}
