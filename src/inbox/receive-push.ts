import { createHash } from "node:crypto";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { getAdapter, ParseError } from "../sources/index.ts";
import type { CanonicalEvent, RawPush, SourceAdapter } from "../sources/types.ts";
import { recordRejection, type StoredPush } from "./store-push.ts";

/** Headers worth keeping with a push: everything but cookies. */
function keptHeaders(h: Record<string, string>): Record<string, string> {
  const { cookie: _c, ...rest } = h;
  return rest;
}

const REJECTED_BODY_KEEP = 64 * 1024;

export interface Received extends StoredPush {
  ack: SourceAdapter["ack"];
  events: number;
}

/**
 * The webhook gateway's verb: verify over the raw bytes, parse, store, answer; processing is
 * deferred so the platform gets its answer within its deadline. Refusals are recorded too.
 */
export async function receivePush(
  deps: Pick<Deps, "writer" | "clock" | "config" | "metrics" | "pushStore" | "processor" | "health">,
  source: string,
  push: RawPush,
): Promise<Received> {
  const { writer, clock, config, metrics } = deps;
  const adapter = getAdapter(source);
  if (!adapter) throw new AppError("unknown_source", `unknown source "${source}"`);
  const started = performance.now();
  deps.processor.noteDemand();
  const headers = keptHeaders(push.headers);

  const verdict = adapter.verify(push, {
    secret: config.sourceSecrets[adapter.name],
    nowMs: clock.now(),
    maxSkewSec: config.WEBHOOK_MAX_SKEW,
    callbackUrl: adapter.name === "shopee" ? config.SHOPEE_CALLBACK_URL : undefined,
    wechatpay:
      config.WECHATPAY_PLATFORM_PUBLIC_KEY && config.WECHATPAY_PLATFORM_PUBLIC_KEY_ID
        ? {
            publicKeys: { [config.WECHATPAY_PLATFORM_PUBLIC_KEY_ID]: config.WECHATPAY_PLATFORM_PUBLIC_KEY },
            apiV3Key: config.WECHATPAY_APIV3_KEY,
          }
        : undefined,
  });
  if (!verdict.ok) {
    metrics.webhookEvents.inc({ source, outcome: "bad_signature" });
    const message =
      verdict.reason === "no_secret"
        ? `${source === "wechatpay" ? "WECHATPAY_PLATFORM_PUBLIC_KEY / WECHATPAY_PLATFORM_PUBLIC_KEY_ID are" : `SOURCE_SECRET_${source.toUpperCase()} is`} not configured, so pushes from ${source} cannot be verified`
        : verdict.reason === "stale"
          ? "signature timestamp is outside the allowed window"
          : verdict.reason === "missing"
            ? "signature is missing"
            : "signature does not match";
    await writer.run((tx) =>
      recordRejection({
        tx,
        now: clock.now(),
        source,
        headers,
        body: push.body.subarray(0, REJECTED_BODY_KEEP),
        bodySize: push.body.length,
        reason: "signature",
        error: `${verdict.reason}: ${message}`,
      }),
    );
    deps.health.noteRefused(source);
    throw new AppError("bad_signature", message);
  }

  let events: CanonicalEvent[];
  try {
    events = adapter.parse(push, { wechatpayApiV3Key: config.WECHATPAY_APIV3_KEY });
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    metrics.webhookEvents.inc({ source, outcome: "unparseable" });
    const detail = e.path ? `${e.message} (at ${e.path})` : e.message;
    const id = await writer.run((tx) =>
      recordRejection({
        tx,
        now: clock.now(),
        source,
        headers,
        body: push.body,
        bodySize: push.body.length,
        reason: "parse",
        error: detail,
      }),
    );
    deps.health.noteRefused(source);
    throw new AppError("invalid_payload", `cannot parse ${source} payload: ${detail}`, { inbox_id: id });
  }

  const bodyHash = createHash("sha256").update(push.body).digest("hex");
  const key = adapter.deliveryKey(events, push);
  const stored = await deps.pushStore.store({
    source,
    kind: events[0]?.kind ?? null,
    headers,
    body: push.body,
    bodyHash,
    dedupeKey: key ?? `sha256:${bodyHash}`,
    receivedAt: clock.now(),
  });
  metrics.webhookEvents.inc({ source, outcome: stored.duplicate ? "duplicate" : "stored" });
  metrics.ingestSeconds.observe({ source }, (performance.now() - started) / 1000);
  if (!stored.duplicate) deps.processor.enqueue({ id: stored.id, events });
  return { ...stored, ack: adapter.ack, events: events.length };
}
