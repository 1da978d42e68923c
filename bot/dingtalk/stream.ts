import type { DWClientConfig, DWClientDownStream } from "dingtalk-stream";
import WebSocket from "ws";
import type { Logger } from "../../src/shared/logger.ts";
import { PlatformError } from "../platform-clients.ts";
import { errorText, parseJson, stringField } from "./json.ts";
import { internals, StreamClient, withTimeout } from "./stream-client.ts";

/**
 * The Stream connection, managed by us instead of by dingtalk-stream 2.1.5 (PLATFORMS.md C2–C4):
 * the SDK's own reconnect doubles on every pre-open error, `disconnect()` does not stop a queued
 * reconnect, SYSTEM `disconnect` is ignored and a dead TCP path is never noticed. So the SDK only
 * parses frames, answers pings and sends acks; tickets, reconnects, liveness and stop are here.
 *
 * Each connection gets its own DWClient: an ack then always goes out on the socket its frame came
 * in on, and a late `close` of a retired socket cannot flip the state of the live one.
 */

/**
 * A CALLBACK topic's handler. It may be async: the frame is acked when it calls `ack`, or when it
 * settles without having acked. A handler that rejects leaves the frame un-acked, so DingTalk
 * delivers it again (used when the message could not even be stored).
 */
export type CallbackHandler = (
  frame: DWClientDownStream,
  ack: (response: unknown) => void,
) => void | Promise<void>;

export interface StreamOptions {
  /** https://api.dingtalk.com (the ticket endpoint lives there), or a local fake. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** CALLBACK topics to subscribe (robot messages, card clicks). */
  topics: readonly string[];
  logger: Logger;
  fetch?: typeof fetch;
  /** First reconnect delay; doubles per consecutive failure up to backoffMaxMs, with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** No frame and no pong for this long → the connection is presumed dead. 0 disables. */
  watchdogMs?: number;
  /** WebSocket pings keep a quiet but healthy connection talking (pongs count as life). 0 disables. */
  pingMs?: number;
  /** Ticket request and WebSocket handshake, each. */
  connectTimeoutMs?: number;
  /** A connection that lived this long resets the backoff; shorter ones count as failures. */
  stableAfterMs?: number;
  ua?: string;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

export type StreamState = "idle" | "connecting" | "open" | "waiting" | "stopped";

export interface StreamStats {
  state: StreamState;
  /** Connections that opened. */
  connects: number;
  /** Reconnect cycles started after a loss (one per loss, however many attempts it takes). */
  reconnects: number;
  ticketRequests: number;
  /** Attempts that failed (ticket or handshake). */
  failures: number;
  /** The most recent backoff delays in ms, oldest first. */
  delays: number[];
  lastError?: string;
}

export interface DingtalkStream {
  readonly stats: Readonly<StreamStats>;
  on(topic: string, handler: CallbackHandler): void;
  start(): void;
  /** Closes everything; no attempt, timer or socket survives it. */
  stop(): Promise<void>;
}

const ROBOT_UA = "anchorbot-dingtalk-stream";

interface Conn {
  id: number;
  client: StreamClient;
  abort: AbortController;
  socket?: WebSocket;
  closed?: Promise<void>;
  openedAt: number;
  watchdog?: NodeJS.Timeout;
  pinger?: NodeJS.Timeout;
  lost: boolean;
  retired: boolean;
}

export function createDingtalkStream(opts: StreamOptions): DingtalkStream {
  const base = opts.apiBase.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  const log = opts.logger;
  const backoffBase = opts.backoffBaseMs ?? 1_000;
  const backoffMax = opts.backoffMaxMs ?? 60_000;
  const watchdogMs = opts.watchdogMs ?? 90_000;
  const pingMs = opts.pingMs ?? Math.floor(watchdogMs / 3);
  const connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;
  const stableAfterMs = opts.stableAfterMs ?? 30_000;
  const random = opts.random ?? Math.random;
  const handlers = new Map<string, CallbackHandler>();
  const stats: StreamStats = {
    state: "idle",
    connects: 0,
    reconnects: 0,
    ticketRequests: 0,
    failures: 0,
    delays: [],
  };

  let started = false;
  let stopped = false;
  let current: Conn | null = null;
  let pending: Conn | null = null;
  let loop: Promise<void> | null = null;
  let again: { reason: string; immediate: boolean } | null = null;
  let sleeper: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  /** Consecutive failures and short-lived connections. */
  let streak = 0;
  let nextId = 1;

  function backoff(n: number): number {
    const raw = Math.min(backoffMax, backoffBase * 2 ** Math.max(0, n - 1));
    const d = Math.round(raw * (0.5 + 0.5 * random()));
    stats.delays = [...stats.delays.slice(-49), d];
    return d;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        sleeper = null;
        resolve();
      };
      sleeper = { timer: setTimeout(wake, ms), wake };
    });
  }

  async function openTicket(conn: Conn, subscriptions: DWClientConfig["subscriptions"]): Promise<string> {
    stats.ticketRequests++;
    const res = await doFetch(`${base}/v1.0/gateway/connections/open`, {
      method: "POST",
      // Without Accept the gateway answers XML (SDK comment).
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        clientId: opts.clientId,
        clientSecret: opts.clientSecret,
        subscriptions,
        ua: opts.ua ?? ROBOT_UA,
      }),
      signal: AbortSignal.any([conn.abort.signal, AbortSignal.timeout(connectTimeoutMs)]),
    });
    const json = parseJson(await res.text());
    if (!res.ok) {
      const code = stringField(json, "code") ?? `http_${res.status}`;
      throw new PlatformError(
        "dingtalk",
        code,
        `gateway ticket: ${stringField(json, "message") ?? res.status}`,
        true,
      );
    }
    const endpoint = stringField(json, "endpoint");
    const ticket = stringField(json, "ticket");
    if (!endpoint || !ticket)
      throw new PlatformError("dingtalk", "no_ticket", "gateway answered without endpoint/ticket", true);
    // The ticket is a credential for 90 s: log the host only.
    log.debug({ conn: conn.id, host: new URL(endpoint).host }, "dingtalk stream ticket");
    return `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
  }

  function newConn(): Conn {
    const id = nextId++;
    const subscriptions = [
      { type: "EVENT", topic: "*" },
      ...opts.topics.map((topic) => ({ type: "CALLBACK", topic })),
    ];
    // A fresh subscriptions array per client: the SDK's default one is shared module state.
    const config: DWClientConfig = {
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      keepAlive: false,
      debug: false,
      autoReconnect: false,
      ua: opts.ua ?? ROBOT_UA,
      subscriptions,
    };
    const client = new StreamClient(config, {
      endpoint: (subs) => openTicket(conn, subs),
      frame: () => alive(conn),
      disconnect: () => lose(conn, "server sent SYSTEM disconnect", true),
      badFrame: (err) => log.warn({ conn: id, err: errorText(err) }, "dingtalk stream: unreadable frame"),
    });
    const conn: Conn = { id, client, abort: new AbortController(), openedAt: 0, lost: false, retired: false };
    for (const topic of opts.topics)
      conn.client.registerCallbackListener(topic, (frame) => dispatch(conn, frame));
    return conn;
  }

  function dispatch(conn: Conn, frame: DWClientDownStream) {
    const messageId = frame.headers?.messageId;
    let acked = false;
    const ack = (response: unknown) => {
      if (acked) return;
      acked = true;
      try {
        conn.client.socketCallBackResponse(messageId, response);
      } catch (err) {
        log.warn({ conn: conn.id, messageId, err: errorText(err) }, "dingtalk stream: ack failed");
      }
    };
    const failed = (err: unknown) =>
      log.error(
        { conn: conn.id, messageId, err: errorText(err) },
        "dingtalk stream: handler failed; not acked",
      );
    try {
      const done = handlers.get(frame.headers?.topic)?.(frame, ack);
      // CALLBACK frames are never acked by the SDK; an un-acked one comes back in ~60 s (C1).
      if (done) done.then(() => ack(null), failed);
      else ack(null);
    } catch (err) {
      failed(err);
    }
  }

  function alive(conn: Conn) {
    // refresh() re-arms a timer that already fired, so never for a connection we gave up on.
    if (!conn.retired) conn.watchdog?.refresh();
  }

  function arm(conn: Conn) {
    const socket = conn.socket;
    if (!socket) return;
    socket.on("pong", () => alive(conn));
    if (watchdogMs > 0)
      conn.watchdog = setTimeout(
        () => lose(conn, `no frame or pong for ${watchdogMs} ms`, false),
        watchdogMs,
      );
    if (pingMs > 0)
      conn.pinger = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.ping();
      }, pingMs);
  }

  /** Terminates a connection for good; resolves once its socket has closed. */
  function retire(conn: Conn): Promise<void> {
    conn.retired = true;
    // Belt and braces against the SDK's own reconnect timer: no ticket, and it thinks we hung up.
    conn.abort.abort();
    internals(conn.client).userDisconnect = true;
    clearTimeout(conn.watchdog);
    clearInterval(conn.pinger);
    conn.client.removeAllListeners();
    const socket = conn.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
    return conn.closed ?? Promise.resolve();
  }

  /**
   * The live connection is gone or going. `keepOld` (server-announced disconnect) leaves it up
   * until its replacement opens, so nothing in flight is cut.
   */
  function lose(conn: Conn, reason: string, keepOld: boolean) {
    if (stopped || conn.retired || conn !== current) return;
    if (!conn.lost) {
      conn.lost = true;
      const stable = Date.now() - conn.openedAt >= stableAfterMs;
      streak = stable ? 0 : streak + 1;
      log.warn({ conn: conn.id, reason, stable }, "dingtalk stream lost; reconnecting");
      reconnect(reason, stable);
    }
    if (!keepOld) {
      current = null;
      void retire(conn);
    }
  }

  function reconnect(reason: string, immediate: boolean) {
    if (stopped) return;
    stats.reconnects++;
    // Single flight: a running loop only learns that its fresh connection was lost already.
    if (loop) {
      again = { reason, immediate };
      return;
    }
    loop = run(reason, immediate).finally(() => {
      loop = null;
    });
  }

  async function run(reason: string, immediate: boolean) {
    let first = true;
    while (!stopped) {
      if (!(first && immediate)) {
        stats.state = "waiting";
        await sleep(backoff(streak));
        if (stopped) return;
      }
      first = false;
      again = null;
      try {
        await connectOnce();
      } catch (err) {
        if (stopped) return;
        streak++;
        stats.failures++;
        stats.lastError = errorText(err);
        log.warn({ reason, attempt: streak, err: stats.lastError }, "dingtalk stream connect failed");
        continue;
      }
      if (!again) return;
      ({ reason, immediate } = again);
      first = true;
    }
  }

  async function connectOnce() {
    stats.state = "connecting";
    const conn = newConn();
    pending = conn;
    try {
      // Not client.connect(): with autoReconnect off it swallows every error, and the
      // backoff needs to know an attempt failed.
      await conn.client.getEndpoint();
      if (stopped) throw new Error("stopped");
      const opening = conn.client._connect();
      const socket = internals(conn.client).socket;
      if (!socket) throw new Error("dingtalk-stream created no socket");
      conn.socket = socket;
      conn.closed = new Promise((resolve) => socket.once("close", () => resolve()));
      // Synchronously on open: frames that came with the handshake are parsed on the next tick,
      // before any promise continuation, and must already find this connection live.
      socket.once("open", () => promote(conn));
      socket.on("close", (code) => lose(conn, `socket closed (${code})`, false));
      await withTimeout(opening, connectTimeoutMs, "websocket handshake");
      if (stopped) throw new Error("stopped");
    } catch (err) {
      if (current === conn) current = null;
      await retire(conn);
      throw err;
    } finally {
      if (pending === conn) pending = null;
    }
  }

  function promote(conn: Conn) {
    if (stopped) return;
    conn.openedAt = Date.now();
    stats.connects++;
    stats.state = "open";
    const old = current;
    current = conn;
    arm(conn);
    log.info({ conn: conn.id, connects: stats.connects }, "dingtalk stream connected");
    if (old) void retire(old);
  }

  return {
    stats,
    on(topic, handler) {
      handlers.set(topic, handler);
    },
    start() {
      if (started || stopped) return;
      started = true;
      loop = run("start", true).finally(() => {
        loop = null;
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stats.state = "stopped";
      if (sleeper) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      const closing = [pending, current].flatMap((c) => (c ? [retire(c)] : []));
      current = null;
      await loop;
      await Promise.all(closing);
      log.info("dingtalk stream stopped");
    },
  };
}
