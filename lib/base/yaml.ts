// The one door to the yaml package. Its parser reads the LOG_TOKENS and LOG_STREAM environment
// variables for every token (debug switches); under Deno's sandbox that read throws unless
// --allow-env names them. The library reads no environment, so parsing runs with a view of
// `process.env` holding those two, read once, and "unset" where reading is not permitted.
import process from "node:process";
import {
  type Document,
  type DocumentOptions,
  parse as yamlParse,
  parseDocument as yamlParseDocument,
  type ParseOptions,
  type SchemaOptions,
  type ToJSOptions,
} from "yaml";

export {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  stringify,
  visit,
} from "yaml";

/**
 * Parse YAML text into a document (positions and errors kept).
 * @param text YAML text
 * @param options the yaml package's parse options
 * @returns the document
 */
export function parseDocument(
  text: string,
  options?: ParseOptions & DocumentOptions & SchemaOptions,
): Document.Parsed {
  return withoutEnvReads(() => yamlParseDocument(text, options));
}

/**
 * Parse YAML text into plain values.
 * @param text YAML text
 * @param options the yaml package's parse options
 * @returns the value
 */
export function parse(
  text: string,
  options?: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions,
): unknown {
  return withoutEnvReads(() => yamlParse(text, options));
}

// Runs `fn` synchronously with `process.env` replaced by a plain object holding the two debug
// switches, read once per call where permitted (unset otherwise); the real object is back
// before anything else can run. The parser reads LOG_TOKENS for every token: through the real
// `process.env` that was a call into the runtime per token (a few percent of every parse), and
// where reading is not permitted an exception per token (a parse three times slower).
function withoutEnvReads<T>(fn: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(process, "env");
  if (!descriptor || !descriptor.configurable) return fn();
  const view = { LOG_TOKENS: readEnv("LOG_TOKENS"), LOG_STREAM: readEnv("LOG_STREAM") };
  Object.defineProperty(process, "env", { ...descriptor, value: view });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, "env", descriptor);
  }
}

const readable = new Map<string, boolean>();

function readEnv(name: string): string | undefined {
  let granted = readable.get(name);
  if (granted === undefined) {
    try {
      granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
    } catch {
      granted = false;
    }
    readable.set(name, granted);
  }
  if (!granted) return undefined;
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
