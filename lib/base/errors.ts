// The toolkit's one error type. Every failure the library reports carries a stable `code`
// (mapped to exit codes in cli.ts and HTTP statuses in server.ts) and, where known, the place.

/** Where an error happened: a file, a line in it, and a field path inside the document. */
export interface ErrorPlace {
  /** File name or path as the user gave it. */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** Field path inside the document, e.g. `nodes[3].expr`. */
  path?: string;
}

/** Stable error codes. Clients match on these, never on message text. */
export type FlowTimeErrorCode =
  | "usage"
  | "yaml_syntax"
  | "model_invalid"
  | "expr_invalid"
  | "cycle"
  | "io_error"
  | "permission_denied"
  | "not_found"
  | "run_not_found"
  | "run_exists"
  | "output_exists"
  | "invalid_id"
  | "path_escape"
  | "bundle_invalid"
  | "provenance_mismatch"
  | "bin_invalid"
  | "bin_out_of_range"
  | "window_invalid"
  | "window_too_large"
  | "mode_validation_failed"
  | "template_not_found"
  | "template_invalid"
  | "unsupported_feature"
  | "invalid_parameters"
  | "invalid_mode"
  | "invalid_body"
  | "payload_too_large"
  | "gaps_invalid"
  | "capture_invalid"
  | "telemetry_invalid"
  | "hash_mismatch"
  | "template_mismatch"
  | "sim_unavailable"
  | "sim_error"
  | "parity_failed"
  | "mapping_invalid"
  | "import_invalid"
  | "query_failed"
  | "source_unavailable"
  | "source_error"
  | "resources_exhausted"
  | "interrupted";

/**
 * A change the caller can make to get past an error: set one of the library's options. The
 * library names the option; the CLI and the server phrase it as their flag or request field.
 */
export interface ErrorFix {
  /** The library option, e.g. `overwrite`, `simUrl`, `templatesDir`. */
  option: string;
  /** What setting it achieves, e.g. `replace it`. */
  effect: string;
}

/** Options for {@link FlowTimeError}. */
export interface FlowTimeErrorOptions extends ErrorPlace {
  /** The option that gets past the error, if one does. */
  fix?: ErrorFix;
  /** Structured details (e.g. one entry per invalid parameter). */
  details?: unknown;
  /** The underlying error, kept for `--verbose`. */
  cause?: unknown;
}

/**
 * An expected failure with a stable code and a message that names the place and says what to
 * change. The message already starts with `file:line: path:` when those are known.
 */
export class FlowTimeError extends Error {
  /** Stable machine-readable code. */
  readonly code: FlowTimeErrorCode;
  /** File the error refers to, if any. */
  readonly file?: string;
  /** 1-based line in `file`, if known. */
  readonly line?: number;
  /** Field path, if known. */
  readonly path?: string;
  /** Structured details for API clients. */
  readonly details?: unknown;
  /** The option that gets past the error, if one does. */
  readonly fix?: ErrorFix;
  readonly #reason: string;

  /**
   * Create an error.
   * @param code stable error code
   * @param message what is wrong and what to change (without the place prefix)
   * @param options place, details and cause
   */
  constructor(code: FlowTimeErrorCode, message: string, options: FlowTimeErrorOptions = {}) {
    const reason = formatPlace(options) + message;
    super(options.fix ? `${reason}; ${phraseFix(options.fix)}` : reason, { cause: options.cause });
    this.#reason = reason;
    this.fix = options.fix;
    this.name = "FlowTimeError";
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.path = options.path;
    this.details = options.details;
  }

  /**
   * The message with its fix phrased by a front end (a CLI flag, a request field).
   * @param phrase turns the fix into words, or undefined to leave it out
   * @returns the message
   */
  messageWith(phrase: (fix: ErrorFix) => string | undefined): string {
    const words = this.fix ? phrase(this.fix) : undefined;
    return words ? `${this.#reason}; ${words}` : this.#reason;
  }
}

function phraseFix(fix: ErrorFix): string {
  return `set the ${fix.option} option to ${fix.effect}`;
}

/**
 * Format a place as the prefix of an error message: `file:line: path: `.
 * @param place the place; empty parts are skipped
 * @returns the prefix, or an empty string when nothing is known
 */
export function formatPlace(place: ErrorPlace): string {
  let out = "";
  if (place.file) out += place.line ? `${place.file}:${place.line}: ` : `${place.file}: `;
  if (place.path) out += `${place.path}: `;
  return out;
}

/**
 * True when `err` is a {@link FlowTimeError}, optionally with one of the given codes.
 * @param err any thrown value
 * @param codes codes to accept; all when empty
 * @returns whether it matches
 */
export function isFlowTimeError(
  err: unknown,
  ...codes: FlowTimeErrorCode[]
): err is FlowTimeError {
  return err instanceof FlowTimeError && (codes.length === 0 || codes.includes(err.code));
}

/**
 * Turn a file-system error into a FlowTimeError that names the path and the operation.
 * @param err the caught error
 * @param action what was being done, e.g. `reading`
 * @param path the path involved
 * @returns a FlowTimeError (FlowTimeErrors pass through unchanged)
 */
export function fsError(err: unknown, action: string, path: string): FlowTimeError {
  if (err instanceof FlowTimeError) return err;
  if (err instanceof Deno.errors.NotFound) {
    return new FlowTimeError("not_found", `${action} ${path}: no such file or folder`, {
      cause: err,
    });
  }
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    // The sandbox says which access it refused; an action such as "opening" does not.
    const flag = /requires write access/i.test(String(err))
      ? "--allow-write"
      : /requires read access/i.test(String(err)) || action.startsWith("read") ||
          action.startsWith("opening") || action.startsWith("listing")
      ? "--allow-read"
      : "--allow-write";
    return new FlowTimeError(
      "permission_denied",
      `${action} ${path}: not permitted (${
        err instanceof Deno.errors.NotCapable
          ? `run with ${flag} covering this path`
          : "the operating system refused access"
      })`,
      { cause: err },
    );
  }
  if (/Too many open files|os error (23|24)\b/.test(String(err))) {
    return new FlowTimeError(
      "resources_exhausted",
      `${action} ${path}: the process has too many files open; try again shortly`,
      { cause: err },
    );
  }
  // Deno appends the syscall and path ("...: mkdir 'x'"); the message already names the path.
  const msg = (err instanceof Error ? err.message : String(err)).replace(
    /: [a-z_]+ '[^']*'( -> '[^']*')?$/,
    "",
  );
  return new FlowTimeError("io_error", `${action} ${path}: ${msg}`, { cause: err });
}
