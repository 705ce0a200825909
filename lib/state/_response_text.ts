// JSON text of state responses: 2-space indented like every artifact, except that arrays of
// plain values sit on one line, so a 1000-bin window stays readable and a third of the size.

/**
 * Serialise a JSON value with 2-space indentation, arrays of scalars on one line, and a
 * trailing newline. `undefined` object fields are dropped; non-finite numbers become `null`.
 * @param value a JSON value
 * @returns the text
 */
export function responseJsonText(value: unknown): string {
  return write(value, "") + "\n";
}

/**
 * The text of one value inside a response, without the trailing newline: what
 * {@link responseJsonText} writes for it when it sits at indentation `pad`.
 * @param value a JSON value
 * @param pad the indentation of the line the value starts on
 * @returns the text
 */
export function responseJsonFragment(value: unknown, pad: string): string {
  return write(value, pad);
}

function write(value: unknown, pad: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      // join builds one flat string; appending piece by piece would build a rope of a node per
      // value, several times the text's size, for every concurrent window response
      return `[${value.map(scalar).join(", ")}]`;
    }
    const inner = pad + "  ";
    return `[\n${value.map((v) => inner + write(v, inner)).join(",\n")}\n${pad}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const inner = pad + "  ";
    return `{\n${
      entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(",\n")
    }\n${pad}}`;
  }
  return scalar(value);
}

// Numbers take the fast path: for finite numbers String() is what JSON.stringify writes.
function scalar(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  return value === undefined || value === null ? "null" : JSON.stringify(value);
}
