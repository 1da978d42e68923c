import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run by EVALSHA, falling back to EVAL when the server does not have it cached
 * (first use, or after a restart or SCRIPT FLUSH). ioredis' defineCommand does the same but adds
 * untyped methods to the client.
 */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly source: string) {
    this.#sha = createHash("sha1").update(source).digest("hex");
  }

  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
