import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * A local DingTalk: the gateway ticket endpoint, OpenAPI (token, robot messages, cards), session
 * webhooks and the Stream WebSocket, all on one 127.0.0.1 port. Everything the client sends is
 * recorded in one ordered log so tests can check what happened and in which order.
 */

export interface Recorded {
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface Upstream {
  seq: number;
  conn: number;
  frame: Record<string, unknown>;
}

export interface FakeConn {
  id: number;
  ws: WebSocket;
  ticket: string;
  closed: boolean;
}

export interface FakeDingtalkOptions {
  clientId?: string;
  clientSecret?: string;
  /** Seconds, as DingTalk reports it. */
  tokenExpireIn?: number;
  /** Delay before the token answer, so concurrent callers overlap. */
  tokenDelayMs?: number;
}

export async function startFakeDingtalk(opts: FakeDingtalkOptions = {}) {
  const clientId = opts.clientId ?? "ding-client";
  const clientSecret = opts.clientSecret ?? "ding-secret";
  let seq = 0;
  let connSeq = 0;
  const tickets = new Set<string>();
  const tokens = new Set<string>();
  const expiredSessions = new Set<string>();
  const conns: FakeConn[] = [];

  const fake = {
    clientId,
    clientSecret,
    baseUrl: "",
    requests: [] as Recorded[],
    upstream: [] as Upstream[],
    conns,
    ticketCalls: [] as { at: number; body: unknown }[],
    tokenCalls: 0,
    /** WebSocket upgrade attempts, refused ones included. */
    upgrades: 0,
    /** Refuse WebSocket upgrades with 503 (the ticket endpoint still answers). */
    refuseSockets: false,
    /** Answer the ticket endpoint with 503. */
    refuseTickets: false,
    /** The next N connections never send a frame and never answer pings (a half-open path). */
    silentConnections: 0,

    webhookUrl(session: string) {
      return `${fake.baseUrl}/robot/sendBySession?session=${encodeURIComponent(session)}`;
    },
    /** Every issued access token stops working, as after a secret rotation. */
    revokeTokens() {
      tokens.clear();
    },
    expireSession(session: string) {
      expiredSessions.add(session);
    },
    calls(path: string, method = "POST") {
      return fake.requests.filter((r) => r.path === path && r.method === method);
    },
    acks(messageId: string) {
      return fake.upstream.filter(
        (u) => (u.frame.headers as { messageId?: string } | undefined)?.messageId === messageId,
      );
    },
    openConns() {
      return conns.filter((c) => !c.closed);
    },
    /** Sends a frame on the newest open connection. */
    push(frame: object) {
      const conn = fake.openConns().at(-1);
      if (!conn) throw new Error("no open stream connection");
      conn.ws.send(JSON.stringify(frame));
      return conn;
    },
    robotMessage(
      data: Record<string, unknown> & { msgId: string; content?: string },
      messageId = `cb-${randomUUID()}`,
    ) {
      const { content, ...rest } = data;
      const full = {
        msgtype: "text",
        text: { content: content ?? "" },
        createAt: 1_700_000_000_000,
        conversationType: "1",
        conversationId: "cid-direct-1",
        senderId: "$:LWCP_v1:$sender",
        senderNick: "张三",
        senderStaffId: "staff-1",
        senderCorpId: "ding-corp",
        chatbotUserId: "$:LWCP_v1:$bot",
        robotCode: clientId,
        sessionWebhook: fake.webhookUrl("s-1"),
        // Far ahead of the tests' manual clock unless a test says otherwise.
        sessionWebhookExpiredTime: 4_102_444_800_000,
        ...rest,
      };
      return frame("CALLBACK", "/v1.0/im/bot/messages/get", messageId, full);
    },
    cardCallback(
      data: { outTrackId: string; userId: string; key: string },
      messageId = `cb-${randomUUID()}`,
    ) {
      return frame("CALLBACK", "/v1.0/card/instances/callback", messageId, {
        type: "actionCallback",
        outTrackId: data.outTrackId,
        corpId: "ding-corp",
        userId: data.userId,
        userIdType: 1,
        spaceType: "IM_ROBOT",
        spaceId: data.userId,
        extension: "{}",
        content: JSON.stringify({ cardPrivateData: { actionIds: ["click"], params: { key: data.key } } }),
      });
    },
    ping(messageId = `ping-${randomUUID()}`) {
      return frame("SYSTEM", "ping", messageId, { opaque: randomUUID() });
    },
    disconnect(messageId = `dc-${randomUUID()}`) {
      return frame("SYSTEM", "disconnect", messageId, { reason: "connection is expired" });
    },
    /** Drops every open connection at the TCP level, as a failing gateway would. */
    dropAll() {
      for (const c of fake.openConns()) c.ws.terminate();
    },
    async close() {
      for (const c of conns) c.ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => silentWss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  function frame(type: string, topic: string, messageId: string, data: unknown) {
    return {
      specVersion: "1.0",
      type,
      headers: {
        appId: "app-1",
        connectionId: "conn-1",
        contentType: "application/json",
        messageId,
        time: "1700000000000",
        topic,
      },
      data: JSON.stringify(data),
    };
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    try {
      return raw ? JSON.parse(raw) : undefined;
    } catch {
      return raw;
    }
  }

  const authed = (req: IncomingMessage) =>
    tokens.has(String(req.headers["x-acs-dingtalk-access-token"] ?? ""));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const method = req.method ?? "GET";
    fake.requests.push({
      seq: ++seq,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    const b = (body ?? {}) as Record<string, unknown>;
    const route = `${method} ${url.pathname}`;
    if (route === "POST /v1.0/gateway/connections/open") {
      fake.ticketCalls.push({ at: Date.now(), body });
      if (fake.refuseTickets) return json(res, 503, { code: "ServiceUnavailable", message: "busy" });
      if (b.clientId !== clientId || b.clientSecret !== clientSecret)
        return json(res, 401, { code: "InvalidAuthentication", message: "bad client" });
      const ticket = randomUUID();
      tickets.add(ticket);
      return json(res, 200, { endpoint: `${fake.baseUrl.replace(/^http/, "ws")}/connect`, ticket });
    }
    if (route === "POST /v1.0/oauth2/accessToken") {
      fake.tokenCalls++;
      if (b.appKey !== clientId || b.appSecret !== clientSecret)
        return json(res, 400, { code: "invalidClientIdOrSecret", message: "bad app" });
      if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
      const token = `tok-${randomUUID()}`;
      tokens.add(token);
      return json(res, 200, { accessToken: token, expireIn: opts.tokenExpireIn ?? 7200 });
    }
    if (url.pathname === "/robot/sendBySession") {
      const session = url.searchParams.get("session") ?? "";
      if (expiredSessions.has(session)) return json(res, 200, { errcode: 300001, errmsg: "session 不存在" });
      return json(res, 200, { errcode: 0, errmsg: "ok" });
    }
    const api = [
      "POST /v1.0/robot/oToMessages/batchSend",
      "POST /v1.0/robot/groupMessages/send",
      "POST /v1.0/card/instances/createAndDeliver",
      "PUT /v1.0/card/instances",
    ];
    if (api.includes(route)) {
      if (!authed(req)) return json(res, 401, { code: "InvalidAuthentication", message: "token invalid" });
      if (typeof b.msgParam === "object")
        return json(res, 400, { code: "invalidParameter", message: "msgParam must be a string" });
      if (route.endsWith("batchSend"))
        return json(res, 200, {
          processQueryKey: "q",
          invalidStaffIdList: [],
          flowControlledStaffIdList: [],
        });
      return json(res, 200, { processQueryKey: "q", success: true, result: {} });
    }
    json(res, 404, { code: "NotFound", message: route });
  });

  const wss = new WebSocketServer({ noServer: true });
  const silentWss = new WebSocketServer({ noServer: true, autoPong: false });

  server.on("upgrade", (req, socket: Socket, head) => {
    fake.upgrades++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (fake.refuseSockets) return refuse("503 Service Unavailable");
    // Tickets are single-use (B6.1).
    if (url.pathname !== "/connect" || !tickets.delete(ticket)) return refuse("401 Unauthorized");
    const silent = fake.silentConnections > 0;
    if (silent) fake.silentConnections--;
    (silent ? silentWss : wss).handleUpgrade(req, socket, head, (ws) => {
      const conn: FakeConn = { id: ++connSeq, ws, ticket, closed: false };
      conns.push(conn);
      ws.on("message", (data) => {
        fake.upstream.push({ seq: ++seq, conn: conn.id, frame: JSON.parse(String(data)) });
      });
      ws.on("close", () => {
        conn.closed = true;
      });
    });
  });

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export type FakeDingtalk = Awaited<ReturnType<typeof startFakeDingtalk>>;

/** Polls until `cond` holds; fails with `what` after a generous timeout. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets whatever is in flight happen, for "nothing more happened" checks. */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
