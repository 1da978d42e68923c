import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * API_TOKEN from the environment, else the one stored under the data folder, else a new random
 * one written there (mode 0600). `created` tells the entry to print it once.
 */
export function resolveApiToken(
  apiToken: string | undefined,
  dataDir: string,
): { token: string; created: boolean; path?: string } {
  if (apiToken) return { token: apiToken, created: false };
  const path = join(dataDir, "api-token");
  if (existsSync(path)) {
    const token = readFileSync(path, "utf8").trim();
    if (token.length >= 16) return { token, created: false, path };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, created: true, path };
}
