import { DWClient, type DWClientConfig, type DWClientDownStream } from "dingtalk-stream";
import type WebSocket from "ws";

/**
 * dingtalk-stream's DWClient with the three seams the stream manager needs: the ticket from a
 * configurable base, a hook on every frame (liveness), and SYSTEM `disconnect` acted upon.
 */

/** The SDK keeps these TS-private; they are plain JS fields. */
export interface ClientInternals {
  dw_url?: string;
  socket?: WebSocket;
  userDisconnect?: boolean;
}
export const internals = (c: DWClient) => c as unknown as ClientInternals;

export interface ClientHooks {
  endpoint(subscriptions: DWClientConfig["subscriptions"]): Promise<string>;
  frame(): void;
  disconnect(): void;
  badFrame(err: unknown): void;
}

export class StreamClient extends DWClient {
  constructor(
    config: DWClientConfig,
    private readonly hooks: ClientHooks,
  ) {
    super(config);
    // The constructor's type omits autoReconnect although the code honours it; make sure.
    if (this.config.autoReconnect !== false) throw new Error("dingtalk-stream ignored autoReconnect:false");
  }

  /** GATEWAY_URL is hard-coded in the SDK; the ticket comes from the configured base instead. */
  override async getEndpoint(): Promise<this> {
    internals(this).dw_url = await this.hooks.endpoint(this.config.subscriptions);
    return this;
  }

  override onDownStream(data: string): void {
    this.hooks.frame();
    // The SDK parses inside the socket's message listener: a bad frame would throw out of it.
    try {
      super.onDownStream(data);
    } catch (err) {
      this.hooks.badFrame(err);
    }
  }

  override onSystem(frame: DWClientDownStream): void {
    super.onSystem(frame);
    // The server closes ~10 s after this and delivers nothing more: move now (C4).
    if (frame.headers.topic === "disconnect") this.hooks.disconnect();
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
