import { readFileSync } from "node:fs";
import { expect } from "vitest";
import {
  ParseError,
  type RawPush,
  type SourceAdapter,
  signOwn,
  type VerifyContext,
} from "../../src/sources/index.ts";

/** Raw bytes of a fixture in test/fixtures, exactly as a platform would send them. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

/** A fixture read with JSON.parse: only for vectors and values that hold no 64-bit integers. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixture(name).toString("utf8")) as T;
}

export const SECRET = "test-secret-please-change";
/** 2026-11-28 10:00:00 +08:00: near the fixtures, so signed pushes are fresh. */
export const NOW_MS = 1_795_831_200_000;
export const NOW_SEC = NOW_MS / 1000;

export function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return { secret: SECRET, nowMs: NOW_MS, maxSkewSec: 300, ...over };
}

export function rawPush(
  body: Buffer | string,
  headers: Record<string, string> = {},
  url = "https://anchor.example.com/webhooks/test",
): RawPush {
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"), headers, url };
}

/** A push signed with our own scheme at NOW_SEC. */
export function ownPush(body: Buffer | string, secret = SECRET, tsSec = NOW_SEC): RawPush {
  return rawPush(body, signOwn(secret, tsSec, body));
}

/** Parses and asserts exactly one event came out. */
export function parseOne(adapter: SourceAdapter, push: RawPush) {
  const events = adapter.parse(push);
  expect(events).toHaveLength(1);
  return events[0]!;
}

/** Asserts that parsing throws a ParseError (never a TypeError), optionally at a path. */
export function expectParseError(adapter: SourceAdapter, push: RawPush, path?: string | RegExp): ParseError {
  let caught: unknown;
  try {
    adapter.parse(push);
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected parse to throw").toBeInstanceOf(ParseError);
  const err = caught as ParseError;
  if (typeof path === "string") expect(err.path).toBe(path);
  else if (path) expect(err.path ?? "").toMatch(path);
  return err;
}

/** Applies an edit to a fixture's text (keeps every other byte, so big integers stay intact). */
export function editFixture(name: string, from: string | RegExp, to: string): string {
  const text = fixture(name).toString("utf8");
  const edited = text.replace(from, to);
  if (edited === text) throw new Error(`edit of ${name} changed nothing: ${String(from)}`);
  return edited;
}
