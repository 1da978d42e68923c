/**
 * A local stand-in for qyapi.weixin.qq.com (gettoken, message/send, update_template_card) and
 * helpers that build encrypted WeCom callbacks with the official `@wecom/crypto` SDK.
 */
import { randomBytes, randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encrypt, getSignature } from "@wecom/crypto";

export interface RecordedCall {
  path: string;
  token: string | null;
  body: Record<string, unknown>;
  /** The errcode the fake answered. */
  errcode: number;
}

export interface FakeQyapi {
  url: string;
  calls: RecordedCall[];
  /** Every access token handed out, to check none leaks into logs. */
  issued: string[];
  readonly gettokenCalls: number;
  /** Accepted calls to one endpoint, in order (message/send, message/update_template_card). */
  accepted(path: string): Record<string, unknown>[];
  /** Tokens issued so far stop working and are answered with `errcode` (42001 expired / 40014 invalid). */
  expireTokens(errcode?: 42001 | 40014): void;
  /** The next call to `path` is answered with this errcode. */
  failNext(path: string, errcode: number, errmsg?: string): void;
  close(): Promise<void>;
}

export async function startFakeQyapi(opts: {
  corpId: string;
  secret: string;
  expiresIn?: number;
  /** Holds gettoken answers back so concurrent callers overlap. */
  gettokenDelayMs?: number;
}): Promise<FakeQyapi> {
  const valid = new Set<string>();
  const dead = new Map<string, number>();
  const failures = new Map<string, { errcode: number; errmsg: string }[]>();
  const calls: RecordedCall[] = [];
  const issued: string[] = [];
  let gettokenCalls = 0;

  const reply = (res: ServerResponse, body: Record<string, unknown>) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/^\/cgi-bin\//, "");
    if (path === "gettoken") {
      gettokenCalls++;
      if (opts.gettokenDelayMs) await new Promise((r) => setTimeout(r, opts.gettokenDelayMs));
      if (url.searchParams.get("corpid") !== opts.corpId)
        return reply(res, { errcode: 40013, errmsg: "invalid corpid" });
      if (url.searchParams.get("corpsecret") !== opts.secret)
        return reply(res, { errcode: 40001, errmsg: "invalid credential" });
      const token = `AT-${issued.length + 1}-${randomBytes(12).toString("hex")}`;
      issued.push(token);
      valid.add(token);
      return reply(res, {
        errcode: 0,
        errmsg: "ok",
        access_token: token,
        expires_in: opts.expiresIn ?? 7200,
      });
    }
    if (path !== "message/send" && path !== "message/update_template_card") {
      res.writeHead(404).end();
      return;
    }
    const token = url.searchParams.get("access_token");
    const body = await readBody(req);
    const record = (errcode: number, extra: Record<string, unknown> = {}, errmsg = "ok") => {
      calls.push({ path, token, body, errcode });
      reply(res, { errcode, errmsg, ...extra });
    };
    if (!token) return record(41001, {}, "access_token missing");
    const deadCode = dead.get(token);
    if (deadCode)
      return record(deadCode, {}, deadCode === 42001 ? "access_token expired" : "invalid access_token");
    if (!valid.has(token)) return record(40014, {}, "invalid access_token");
    const failure = failures.get(path)?.shift();
    if (failure) return record(failure.errcode, {}, failure.errmsg);
    if (path === "message/send") {
      const interactive =
        (body.template_card as { card_type?: string } | undefined)?.card_type === "button_interaction";
      return record(0, {
        msgid: `msg-${calls.length + 1}`,
        ...(interactive ? { response_code: `RC-send-${calls.length + 1}` } : {}),
      });
    }
    return record(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    issued,
    get gettokenCalls() {
      return gettokenCalls;
    },
    accepted: (path) => calls.filter((c) => c.path === path && c.errcode === 0).map((c) => c.body),
    expireTokens(errcode = 42001) {
      for (const t of valid) dead.set(t, errcode);
      valid.clear();
    },
    failNext(path, errcode, errmsg = "failed") {
      failures.set(path, [...(failures.get(path) ?? []), { errcode, errmsg }]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---- building callbacks the way WeCom does --------------------------------------------------

export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A fresh EncodingAESKey: 43 characters from [A-Za-z0-9], as the WeCom console generates. */
export function newEncodingAesKey(): string {
  return Array.from({ length: 43 }, () => ALNUM[randomInt(ALNUM.length)]).join("");
}

export interface SignOptions {
  timestamp?: string;
  nonce?: string;
  /** Encrypt for another ReceiveId (wrong CorpID). */
  receiveId?: string;
  /** Overrides the signature (bad signature). */
  signature?: string;
  random?: Buffer;
}

/** The query string WeCom sends with a ciphertext, URL-encoded once. */
export function signedQuery(
  keys: CallbackKeys,
  cipher: string,
  o: SignOptions & { echostr?: boolean },
): string {
  const timestamp = o.timestamp ?? "0";
  const nonce = o.nonce ?? "n0nce";
  const q = new URLSearchParams({
    msg_signature: o.signature ?? getSignature(keys.token, timestamp, nonce, cipher),
    timestamp,
    nonce,
  });
  if (o.echostr) q.set("echostr", cipher);
  return q.toString();
}

export function encryptFor(keys: CallbackKeys, plaintext: string, o: SignOptions = {}): string {
  return encrypt(keys.encodingAesKey, plaintext, o.receiveId ?? keys.corpId, o.random);
}

/** GET /callback?…&echostr=… for URL verification. */
export function verificationPath(
  base: string,
  keys: CallbackKeys,
  echo: string,
  o: SignOptions = {},
): string {
  return `${base}?${signedQuery(keys, encryptFor(keys, echo, o), { ...o, echostr: true })}`;
}

/** The outer POST body around a ciphertext. */
export function outerXml(keys: CallbackKeys, cipher: string, agentId = "1000002"): string {
  return `<xml><ToUserName><![CDATA[${keys.corpId}]]></ToUserName><Encrypt><![CDATA[${cipher}]]></Encrypt><AgentID><![CDATA[${agentId}]]></AgentID></xml>`;
}

/** An encrypted, signed POST as WeCom sends it: `[path, init]` for `app.request`. */
export function encryptedPost(
  base: string,
  keys: CallbackKeys,
  innerXml: string,
  o: SignOptions = {},
): [string, RequestInit] {
  const cipher = encryptFor(keys, innerXml, o);
  return [
    `${base}?${signedQuery(keys, cipher, o)}`,
    { method: "POST", headers: { "content-type": "text/xml" }, body: outerXml(keys, cipher) },
  ];
}

const cdata = (v: string) => `<![CDATA[${v}]]>`;

export function textMessageXml(m: {
  from: string;
  content: string;
  msgId: string;
  createTime: number;
  corpId: string;
  plain?: boolean;
}): string {
  const wrap = m.plain ? (v: string) => v : cdata;
  return `<xml><ToUserName>${wrap(m.corpId)}</ToUserName><FromUserName>${wrap(m.from)}</FromUserName><CreateTime>${m.createTime}</CreateTime><MsgType>${wrap("text")}</MsgType><Content>${wrap(m.content)}</Content><MsgId>${m.msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
}

export function cardEventXml(e: {
  from: string;
  eventKey: string;
  taskId: string;
  responseCode: string;
  createTime: number;
  corpId: string;
  event?: string;
}): string {
  return `<xml><ToUserName>${cdata(e.corpId)}</ToUserName><FromUserName>${cdata(e.from)}</FromUserName><CreateTime>${e.createTime}</CreateTime><MsgType>${cdata("event")}</MsgType><Event>${cdata(e.event ?? "template_card_event")}</Event><EventKey>${cdata(e.eventKey)}</EventKey><TaskId>${cdata(e.taskId)}</TaskId><CardType>${cdata("button_interaction")}</CardType><ResponseCode>${cdata(e.responseCode)}</ResponseCode><AgentID>1000002</AgentID></xml>`;
}
