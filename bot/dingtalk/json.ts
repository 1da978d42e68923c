/** Reading untyped JSON answers without `any`: each helper returns the field only when it has the type. */

export function parseJson(raw: string): unknown {
  try {
    return raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
}

function field(v: unknown, key: string): unknown {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

export function stringField(v: unknown, key: string): string | undefined {
  const f = field(v, key);
  return typeof f === "string" ? f : undefined;
}

export function numberField(v: unknown, key: string): number | undefined {
  const f = field(v, key);
  return typeof f === "number" && Number.isFinite(f) ? f : undefined;
}

export function arrayField(v: unknown, key: string): unknown[] {
  const f = field(v, key);
  return Array.isArray(f) ? f : [];
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
