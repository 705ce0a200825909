// A run's model file as the run reader opens it: read once in pieces (strict UTF-8 checked,
// hashed), its text kept when small and read again on demand when large (checked against the
// hash it was opened with), and its lines gone through without holding it whole.
import { createHash } from "node:crypto";
import { isUtf8 } from "node:buffer";
import { dirname, join } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { MAX_YAML_BYTES } from "../base/located_yaml.ts";
import {
  decodeUtf8,
  readFileInsideSync,
  type SafeReadOptions,
  utf8SequenceLength,
} from "../base/safe_read.ts";
import { readChunksInsideSync } from "../base/folder_read.ts";
import { BOM } from "./_documents.ts";
import type { ModelLine } from "./reader.ts";

// Model texts up to this size are kept with the bundle; larger ones are read again on demand.
const KEEP_MODEL_TEXT_BYTES = 1024 * 1024;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The model file of a run, opened: its hash, and its text kept or read again on demand. */
export interface ModelFile {
  /** Path relative to the run folder. */
  rel: string;
  /** `sha256:` of its bytes (a leading BOM left out, as the text leaves it out). */
  hash: string;
  /** The text (a BOM removed). */
  text(): string;
  /** Its lines, in pieces. */
  lines(visit: (line: ModelLine) => boolean | void): void;
}

// Read a run's model file once in pieces (strict UTF-8 checked, hashed), keeping its text when
// it is small; undefined when there is none.
export function openModelFile(dir: string, rel: string): ModelFile | undefined {
  const path = join(dir, rel);
  const options = { root: dirname(path), maxBytes: MAX_YAML_BYTES };
  const hash = createHash("sha256");
  // a small text is decoded as it comes; a large one only checked (no text at all)
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const pieces: string[] = [];
  const utf8 = new Utf8Check();
  let keep = true;
  let first = true;
  try {
    readChunksInsideSync(path, options, (chunk, size) => {
      if (first) keep = size <= KEEP_MODEL_TEXT_BYTES;
      hash.update(first && startsWithBom(chunk) ? chunk.subarray(3) : chunk);
      first = false;
      if (keep) pieces.push(decoder.decode(chunk, { stream: true }));
      else if (!utf8.next(chunk)) throw new TypeError("not UTF-8");
    });
    if (keep) pieces.push(decoder.decode());
    else if (!utf8.end()) throw new TypeError("not UTF-8");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    if (err instanceof TypeError) {
      // not UTF-8: the whole file's strict decoding names the first bad byte
      decodeUtf8(readFileInsideSync(path, options), path);
    }
    throw fsError(err, "reading", path);
  }
  const fileHash = `sha256:${hash.digest("hex")}`;
  const kept = keep ? pieces.join("").replace(BOM, "") : undefined;
  // a large text is read again each time it is asked for, and not kept
  const text = (): string =>
    kept ?? decodeUtf8(readSame(path, options, fileHash), path).replace(BOM, "");
  const lines = (visit: (line: ModelLine) => boolean | void): void => {
    if (kept === undefined) return modelFileLines(path, options, fileHash, visit);
    for (const line of kept.split("\n")) {
      if (visit({ startsWith: (prefix) => line.startsWith(prefix), text: () => line }) === false) {
        return;
      }
    }
  };
  return { rel, hash: fileHash, text, lines };
}

// Strict UTF-8 over pieces of bytes: a character cut by the end of a piece is checked with
// the start of the next.
class Utf8Check {
  #carry = new Uint8Array(0);

  next(chunk: Uint8Array): boolean {
    let start = 0;
    if (this.#carry.length > 0) {
      const take = utf8SequenceLength(this.#carry[0]) - this.#carry.length;
      const joined = new Uint8Array(this.#carry.length + Math.min(take, chunk.length));
      joined.set(this.#carry);
      joined.set(chunk.subarray(0, take), this.#carry.length);
      if (chunk.length < take) {
        this.#carry = joined;
        return true;
      }
      this.#carry = new Uint8Array(0);
      if (!isUtf8(joined)) return false;
      start = take;
    }
    let end = chunk.length;
    for (let k = 1; k <= 3 && end - k >= start; k++) {
      const b = chunk[end - k];
      if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
      if (utf8SequenceLength(b) > k) {
        this.#carry = chunk.slice(end - k);
        end -= k;
      }
      break;
    }
    return isUtf8(chunk.subarray(start, end));
  }

  end(): boolean {
    return this.#carry.length === 0;
  }
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

// The model file read again, refused when it is not the file the run was opened with.
function readSame(path: string, options: SafeReadOptions, fileHash: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileInsideSync(path, options);
  } catch (err) {
    throw fsError(err, "reading", path);
  }
  if (hashOf(startsWithBom(bytes) ? bytes.subarray(3) : bytes) !== fileHash) {
    throw modelChanged(path);
  }
  return bytes;
}

function modelChanged(path: string): FlowTimeError {
  return new FlowTimeError(
    "bundle_invalid",
    `${path} changed after the run was opened; open the run again`,
    { file: path },
  );
}

// The lines of a model file read in pieces: a line is decoded only when asked for (a line never
// ends inside a character), and the whole file is hashed and checked against the hash it was
// opened with once every line was visited.
function modelFileLines(
  path: string,
  options: SafeReadOptions,
  fileHash: string,
  visit: (line: ModelLine) => boolean | void,
): void {
  // every line decoded as it is (a line that starts with U+FEFF keeps it), apart from the
  // first, whose BOMs go as the text's do
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const hash = createHash("sha256");
  let line = new Uint8Array(64 * 1024);
  let from = 0;
  let length = 0;
  let first = true;
  const stop = {};
  const current: ModelLine = {
    startsWith(prefix: string): boolean {
      if (length - from < prefix.length) return false;
      for (let k = 0; k < prefix.length; k++) {
        if (line[from + k] !== prefix.charCodeAt(k)) return false;
      }
      return true;
    },
    text(): string {
      const text = decoder.decode(line.subarray(from, length));
      return first ? text.replace(BOM, "") : text;
    },
  };
  const emit = (): void => {
    from = first && startsWithBom(line.subarray(0, length)) ? 3 : 0;
    const go = visit(current);
    first = false;
    length = 0;
    if (go === false) throw stop;
  };
  const append = (bytes: Uint8Array): void => {
    if (length + bytes.length > line.length) {
      const grown = new Uint8Array(Math.max(line.length * 2, length + bytes.length));
      grown.set(line.subarray(0, length));
      line = grown;
    }
    line.set(bytes, length);
    length += bytes.length;
  };
  let hashedFirst = false;
  try {
    readChunksInsideSync(path, options, (chunk) => {
      hash.update(!hashedFirst && startsWithBom(chunk) ? chunk.subarray(3) : chunk);
      hashedFirst = true;
      let at = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, at)) {
        append(chunk.subarray(at, nl));
        emit();
        at = nl + 1;
      }
      append(chunk.subarray(at));
    });
    emit();
  } catch (err) {
    if (err === stop) return;
    if (err instanceof TypeError) throw modelChanged(path); // it was UTF-8 when opened
    throw fsError(err, "reading", path);
  }
  if (`sha256:${hash.digest("hex")}` !== fileHash) throw modelChanged(path);
}
