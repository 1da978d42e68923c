/**
 * Local stand-ins for the notifiers' outbound endpoints, speaking each protocol and checking
 * what the real one checks (robot keys, DingTalk 加签 and timestamp, bearer tokens, our webhook
 * signature). Each can fail the next N requests, answer its rate-limit error, or be down.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** "error" = HTTP 500, "rate-limit" = the platform's throttle answer, "bad-request" = a permanent
 * rejection, "drop" = connection closed without an answer. */
export type FailMode = "error" | "rate-limit" | "bad-request" | "drop";

export interface Answer {
  status: number;
  json: unknown;
}

export interface FakeRequest {
  at: number;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Fake<T> {
  /** http://127.0.0.1:port */
  url: string;
  /** Every request, answered or not, in arrival order. */
  requests: FakeRequest[];
  /** What the fake accepted as delivered. */
  accepted: T[];
  failNext(n: number, mode: FailMode): void;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

interface Protocol<T> {
  /** Verifies and accepts a request; returns the answer, and the message when accepted. */
  handle(req: FakeRequest): { answer: Answer; accepted?: T };
  failure(mode: Exclude<FailMode, "drop" | "error">): Answer;
}

async function startFake<T>(protocol: Protocol<T>): Promise<Fake<T>> {
  const requests: FakeRequest[] = [];
  const accepted: T[] = [];
  const failures: FailMode[] = [];
  let down = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: FakeRequest = {
        at,
        url: new URL(req.url ?? "/", "http://127.0.0.1"),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(r);
      const mode = down ? "drop" : failures.shift();
      if (mode === "drop") return void req.socket.destroy();
      const answer: Answer =
        mode === "error"
          ? { status: 500, json: { message: "internal error" } }
          : mode
            ? protocol.failure(mode)
            : (() => {
                const out = protocol.handle(r);
                if (out.accepted !== undefined) accepted.push(out.accepted);
                return out.answer;
              })();
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    failNext: (n, mode) => {
      for (let i = 0; i < n; i++) failures.push(mode);
    },
    setDown: (d) => {
      down = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok = (json: unknown = { errcode: 0, errmsg: "ok" }): Answer => ({ status: 200, json });
const parse = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
};

export interface RobotMessage {
  key: string;
  /** The markdown; "" for an image message. */
  content: string;
  /** An image message: the decoded PNG/JPG bytes and the md5 it came with (checked). */
  image?: { bytes: Buffer; md5: string };
}

/** An image message: base64 of a JPG/PNG of at most 2 MB (before encoding) and its md5. */
function robotImage(key: string, image: { base64?: string; md5?: string } | undefined) {
  const bytes = Buffer.from(image?.base64 ?? "", "base64");
  const jpgOrPng =
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
  if (!jpgOrPng || bytes.length > 2 * 1024 * 1024)
    return { answer: ok({ errcode: 40009, errmsg: "invalid image size" }) };
  if (createHash("md5").update(bytes).digest("hex") !== image?.md5)
    return { answer: ok({ errcode: 40009, errmsg: "image md5 not match" }) };
  return { answer: ok(), accepted: { key, content: "", image: { bytes, md5: image.md5 } } };
}

/** WeCom group robot (PLATFORMS A5): POST /cgi-bin/webhook/send?key=…, markdown ≤ 4096 bytes, or an image. */
export function fakeWecomRobot(keys: string[]): Promise<Fake<RobotMessage>> {
  return startFake<RobotMessage>({
    handle(r) {
      const key = r.url.searchParams.get("key") ?? "";
      if (r.url.pathname !== "/cgi-bin/webhook/send") return { answer: { status: 404, json: {} } };
      // Like the real one, the error names the bad key: the notifier must not log it.
      if (!keys.includes(key))
        return { answer: ok({ errcode: 93000, errmsg: `invalid webhook url, key=${key}` }) };
      const body = parse(r.body) as {
        msgtype?: string;
        markdown?: { content?: string };
        image?: { base64?: string; md5?: string };
      };
      if (body.msgtype === "image") return robotImage(key, body.image);
      const content = body.markdown?.content;
      if (body.msgtype !== "markdown" || typeof content !== "string") {
        return { answer: ok({ errcode: 40008, errmsg: "invalid message type" }) };
      }
      if (Buffer.byteLength(content, "utf8") > 4096) {
        return { answer: ok({ errcode: 40058, errmsg: "markdown.content exceed max length 4096" }) };
      }
      return { answer: ok(), accepted: { key, content } };
    },
    failure: (mode) =>
      mode === "rate-limit"
        ? ok({ errcode: 45009, errmsg: "api freq out of limit" })
        : ok({ errcode: 93000, errmsg: "invalid webhook url" }),
  });
}

export interface DingtalkRobotMessage {
  token: string;
  title: string;
  text: string;
  sign: string;
}

/** DingTalk custom robot (PLATFORMS B8.2): checks the token, the timestamp (±1 h) and the 加签. */
export function fakeDingtalkRobot(secrets: Record<string, string>, now = () => Date.now()) {
  return startFake<DingtalkRobotMessage>({
    handle(r) {
      const q = r.url.searchParams;
      const token = q.get("access_token") ?? "";
      const secret = secrets[token];
      if (r.url.pathname !== "/robot/send") return { answer: { status: 404, json: {} } };
      if (!secret) return { answer: ok({ errcode: 300001, errmsg: "token is not exist" }) };
      const ts = q.get("timestamp") ?? "";
      const sign = q.get("sign") ?? "";
      if (!/^\d+$/.test(ts) || Math.abs(now() - Number(ts)) > 3_600_000) {
        return { answer: ok({ errcode: 310000, errmsg: "sign not match, timestamp is too old" }) };
      }
      const expected = createHmac("sha256", secret).update(`${ts}\n${secret}`).digest("base64");
      if (sign !== expected) return { answer: ok({ errcode: 310000, errmsg: "sign not match" }) };
      const body = parse(r.body) as { msgtype?: string; markdown?: { title?: string; text?: string } };
      if (body.msgtype !== "markdown" || !body.markdown?.title || !body.markdown.text) {
        return { answer: ok({ errcode: 40035, errmsg: "缺少参数 markdown" }) };
      }
      return {
        answer: ok(),
        accepted: { token, title: body.markdown.title, text: body.markdown.text, sign },
      };
    },
    failure: (mode) =>
      mode === "rate-limit"
        ? ok({ errcode: 410100, errmsg: "send too fast" })
        : ok({ errcode: 300001, errmsg: "token is not exist" }),
  });
}

export interface Sms {
  to: string;
  text: string;
}

/** An HTTP SMS gateway: POST JSON {to, text} with `Authorization: Bearer <token>`. */
export function fakeSmsGateway(token: string) {
  return startFake<Sms>({
    handle(r) {
      if (r.headers.authorization !== `Bearer ${token}`)
        return { answer: { status: 401, json: { error: "token" } } };
      const body = parse(r.body);
      if (typeof body.to !== "string" || typeof body.text !== "string") {
        return { answer: { status: 400, json: { error: "to and text required" } } };
      }
      return {
        answer: { status: 200, json: { id: `sms-${Date.now()}` } },
        accepted: { to: body.to, text: body.text },
      };
    },
    failure: (mode) =>
      mode === "rate-limit"
        ? { status: 429, json: { error: "slow down" } }
        : { status: 400, json: { error: "bad" } },
  });
}

export interface WebhookDelivery {
  id: string;
  timestamp: number;
  body: Record<string, unknown>;
}

/** A receiver of our webhooks: checks X-Anchor-Signature over "<timestamp>.<body>" and the skew. */
export function fakeWebhookReceiver(secret: string, maxSkewS = 300) {
  return startFake<WebhookDelivery>({
    handle(r) {
      const ts = String(r.headers["x-anchor-timestamp"] ?? "");
      const sig = String(r.headers["x-anchor-signature"] ?? "");
      const mac = `sha256=${createHmac("sha256", secret).update(`${ts}.${r.body}`).digest("hex")}`;
      const fresh = /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) <= maxSkewS;
      const same = sig.length === mac.length && timingSafeEqual(Buffer.from(sig), Buffer.from(mac));
      if (!fresh || !same) return { answer: { status: 401, json: { error: "bad signature" } } };
      return {
        answer: { status: 204, json: null },
        accepted: {
          id: String(r.headers["x-anchor-delivery"] ?? ""),
          timestamp: Number(ts),
          body: parse(r.body),
        },
      };
    },
    failure: (mode) =>
      mode === "rate-limit"
        ? { status: 429, json: { error: "slow down" } }
        : { status: 422, json: { error: "bad" } },
  });
}

export interface SmtpMessage {
  user: string;
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) with AUTH; can answer RCPT with a temporary or permanent error. */
export async function fakeSmtp(user: string, pass: string) {
  const messages: SmtpMessage[] = [];
  const rcptFailures: number[] = [];
  let rcptAttempts = 0;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      rcptAttempts++;
      const code = rcptFailures.shift();
      if (code)
        cb(
          Object.assign(new Error(code >= 500 ? "No such user" : "Try again later"), { responseCode: code }),
        );
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          user: String(session.user ?? ""),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: (u = user, p = pass) => `smtp://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1:${port}`,
    messages,
    rcptAttempts: () => rcptAttempts,
    /** The next RCPT TO commands answer these codes (451 temporary, 550 permanent). */
    rejectRcpt: (...codes: number[]) => rcptFailures.push(...codes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
