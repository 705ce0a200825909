// JSON text as every artifact writes it (2-space indent, trailing newline) and the canonical
// sorted-key form used for input hashes.

/**
 * Serialise a value the way every artifact is written: 2-space indent and a trailing newline.
 * @param value any JSON value; `undefined` fields are dropped
 * @returns the text
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Canonical JSON: object keys sorted recursively, no whitespace. Used for hashes so that key
 * order in the caller's input never changes the result.
 * @param value any JSON value
 * @returns the canonical text
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
