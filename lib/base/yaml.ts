// The one door to the yaml package. Its parser reads the LOG_TOKENS and LOG_STREAM environment
// variables (debug switches) on every token; under Deno's sandbox that read throws unless
// --allow-env names them. The library reads no environment, so parsing runs with a view of
// `process.env` that answers "unset" where reading is not permitted, and reads them once.
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
  Scalar,
  stringify,
  visit,
  type YAMLMap,
  type YAMLSeq,
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

// Runs `fn` synchronously with `process.env` replaced by a view that never throws and answers
// the two debug switches from values read once: the parser asks for LOG_TOKENS on every token,
// and going to the real environment each time (an operation, and an error where reading is not
// permitted) made parsing several times slower. The real object is back before anything else
// can run.
function withoutEnvReads<T>(fn: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(process, "env");
  if (!descriptor || !descriptor.configurable) return fn();
  const env = process.env;
  const read = (key: string): string | undefined => {
    if (!envReadable()) return undefined;
    try {
      return env[key];
    } catch {
      return undefined;
    }
  };
  const switches: Record<string, string | undefined> = {
    LOG_TOKENS: read("LOG_TOKENS"),
    LOG_STREAM: read("LOG_STREAM"),
  };
  const quick = new Proxy({}, {
    get(_target, key) {
      if (key === "LOG_TOKENS" || key === "LOG_STREAM") return switches[key];
      try {
        return Reflect.get(env, key);
      } catch {
        return undefined;
      }
    },
  });
  Object.defineProperty(process, "env", { ...descriptor, value: quick });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, "env", descriptor);
  }
}

let readable: boolean | undefined;

function envReadable(): boolean {
  if (readable === undefined) {
    try {
      readable = Deno.permissions.querySync({ name: "env", variable: "LOG_TOKENS" }).state ===
          "granted" &&
        Deno.permissions.querySync({ name: "env", variable: "LOG_STREAM" }).state === "granted";
    } catch {
      readable = false;
    }
  }
  return readable;
}
