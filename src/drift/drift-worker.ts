/**
 * A worker thread's part of a parallel drift scan (src/drift/parallel.ts): its own prepared reader
 * on the database file, the same rules and checks, one slice of the day's orders; each page's
 * findings go back to the run, which alone writes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadRules } from "../anchors/rules.ts";
import type { Reader } from "../db/client.ts";
import { openHotReader } from "../db/hot-reader.ts";
import type { DriftConfig } from "./config.ts";
import { findDrift } from "./find-drift.ts";

export interface DriftWorkerData {
  path: string;
  timeZone: string;
  day: string;
  asOf: number;
  config: DriftConfig;
  slice: { from: number; to: number };
  /** The run's anchor rules, as data (the same set the single-threaded scan would use). */
  rules: unknown[];
}

async function main() {
  const d = workerData as DriftWorkerData;
  const hot = openHotReader(d.path);
  try {
    for await (const page of findDrift({
      // Every statement goes through the prepared reader; nothing reads through drizzle here.
      db: undefined as unknown as Reader,
      hot,
      rules: loadRules({ rules: d.rules }),
      timeZone: d.timeZone,
      day: d.day,
      asOf: d.asOf,
      config: d.config,
      slice: d.slice,
    }))
      parentPort!.postMessage({ page });
    parentPort!.postMessage({ done: true });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  } finally {
    hot.close();
  }
}

void main();
