// Opening a file of a run or capture folder safely. The sandbox checks the path it is given,
// not where a link leads, so a series linked to /etc/passwd or /dev/zero would be read like any
// other file: every read here resolves the real path first and reads only a regular file that
// lies inside its folder, no larger than the caller allows. A FIFO is never opened (opening one
// waits for a writer forever), a device or a folder is never read.
import { FlowTimeError, type FlowTimeErrorCode, fsError } from "./errors.ts";
import { isWithin } from "./paths.ts";

/** Options for {@link readFileInside}. */
export interface SafeReadOptions {
  /** The folder the file must lie in once every link is resolved (the run or capture folder). */
  root: string;
  /** Largest size read, in bytes. */
  maxBytes: number;
  /** The name messages give the file (e.g. `series/a.csv`).
   * @default the path
   */
  name?: string;
  /** Error code for a file that is refused.
   * @default "bundle_invalid"
   */
  code?: FlowTimeErrorCode;
}

/** Largest JSON document of a run or capture folder (run.json, manifest.json, ...). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Largest series CSV for a grid: a header and, for every bin, a row of at most 128 bytes.
 * @param bins the grid's bins
 * @returns bytes
 */
export function maxSeriesBytes(bins: number): number {
  return 64 * 1024 + bins * 128;
}

/**
 * Read a file of a folder: a regular file whose real path lies inside `root`, at most
 * `maxBytes` long.
 * @param path the file
 * @param options the folder it must lie in, the size limit, its name and the error code
 * @returns its bytes
 * @throws Deno.errors.NotFound when nothing is there (what a missing file means is the
 *   caller's to say); FlowTimeError `options.code` naming the file when it leads out of the
 *   folder, is not a regular file, is too large or changes while read
 */
export async function readFileInside(path: string, options: SafeReadOptions): Promise<Uint8Array> {
  // A file replaced while it is opened (a bundle swapped in) is checked and opened again.
  for (let attempt = 1;; attempt++) {
    const { real } = await check(path, options);
    using file = await open(real, path);
    const [info, now] = await Promise.all([file.stat(), Deno.stat(real).catch(() => undefined)]);
    if (!info.isFile || !now || info.ino !== now.ino || info.dev !== now.dev) {
      if (attempt < 3) continue;
      throw changed(path, options);
    }
    if (info.size > options.maxBytes) throw tooLarge(path, info.size, options);
    let buffer: Uint8Array = new Uint8Array(info.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = grow(buffer, path, options);
      const n = await file.read(buffer.subarray(length));
      if (n === null) break;
      length += n;
      if (length > options.maxBytes) throw tooLarge(path, length, options);
    }
    return buffer.subarray(0, length);
  }
}

/**
 * {@link readFileInside} without waiting on the event loop, into a buffer reused between calls.
 * @param path the file
 * @param options the folder, the size limit, its name and the error code
 * @param buffer a buffer to read into when large enough
 * @returns a view of the bytes (in `buffer` when it was large enough)
 */
export function readFileInsideSync(
  path: string,
  options: SafeReadOptions,
  buffer?: Uint8Array,
): Uint8Array {
  using opened = openInsideSync(path, options);
  return readOpenedSync(opened.file, opened.size, path, options, buffer);
}

/**
 * The checked file of a safe read, opened: a regular file inside the folder, the one its path
 * names (checked, opened, and checked again; a file replaced meanwhile is looked at again).
 * @param path the file
 * @param options the folder, the size limit, its name and the error code
 * @returns the open file (closed on dispose) and its size
 */
export function openInsideSync(
  path: string,
  options: SafeReadOptions,
): { file: Deno.FsFile; size: number; [Symbol.dispose](): void } {
  for (let attempt = 1;; attempt++) {
    const { real } = checkSync(path, options);
    const file = openSync(real, path);
    let info: Deno.FileInfo;
    let now: Deno.FileInfo | undefined;
    try {
      info = file.statSync();
      try {
        now = Deno.statSync(real);
      } catch {
        now = undefined;
      }
    } catch (err) {
      file.close();
      throw err;
    }
    if (!info.isFile || !now || info.ino !== now.ino || info.dev !== now.dev) {
      file.close();
      if (attempt < 3) continue;
      throw changed(path, options);
    }
    if (info.size > options.maxBytes) {
      file.close();
      throw tooLarge(path, info.size, options);
    }
    return { file, size: info.size, [Symbol.dispose]: () => file.close() };
  }
}

/**
 * The rest of an opened file, into `buffer` when it is large enough, never past the limit.
 * @param file the open file
 * @param size its size when it was checked
 * @param path its path, for messages
 * @param options the size limit, its name and the error code
 * @param buffer a buffer to read into when large enough
 * @returns a view of the bytes
 */
export function readOpenedSync(
  file: Pick<Deno.FsFile, "readSync">,
  size: number,
  path: string,
  options: SafeReadOptions,
  buffer?: Uint8Array,
): Uint8Array {
  let out = buffer && buffer.length > size ? buffer : new Uint8Array(size + 1);
  let length = 0;
  for (;;) {
    if (length === out.length) out = grow(out, path, options);
    const asked = out.length - length;
    const n = file.readSync(out.subarray(length));
    if (n === null) break;
    length += n;
    if (length > options.maxBytes) throw tooLarge(path, length, options);
    // A regular file read short once all of it is in has ended there: no read to be told so.
    if (n < asked && length >= size) break;
  }
  return out.subarray(0, length);
}

// A bigger buffer for a file that grew while read, never past the limit plus one byte.
function grow(buffer: Uint8Array, path: string, options: SafeReadOptions): Uint8Array {
  const size = Math.min(Math.max(buffer.length * 2, 4096), options.maxBytes + 1);
  if (size <= buffer.length) throw tooLarge(path, buffer.length, options);
  const grown = new Uint8Array(size);
  grown.set(buffer);
  return grown;
}

/**
 * {@link readFileInside} as UTF-8 text: bytes that are not UTF-8 are refused, not replaced.
 * @param path the file
 * @param options the folder, the size limit, its name and the error code
 * @returns the text
 */
export async function readTextInside(path: string, options: SafeReadOptions): Promise<string> {
  return decodeUtf8(await readFileInside(path, options), options.name ?? path, options.code);
}

/**
 * Read a text file the user named (a model, a template, a gap or parameter file): a regular
 * file (never a named pipe or a device), at most `maxBytes`, UTF-8. Unlike the files of a
 * bundle it may lie anywhere the process may read.
 * @param path the file
 * @param options the size limit and the error code
 * @returns the text
 * @throws Deno.errors.NotFound when nothing is there
 */
export async function readUserText(
  path: string,
  options: { maxBytes: number; code: FlowTimeErrorCode },
): Promise<string> {
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    throw fsError(err, "reading", path);
  }
  const root = real.slice(0, real.lastIndexOf("/")) || "/";
  return await readTextInside(path, { root, maxBytes: options.maxBytes, code: options.code });
}

/**
 * Decode UTF-8 strictly: the first byte that does not belong to a UTF-8 sequence is an error
 * naming its offset (the usual decoding would turn it into U+FFFD without a word).
 * @param bytes the bytes
 * @param name the file, for the message
 * @param code error code
 * @returns the text
 */
export function decodeUtf8(
  bytes: Uint8Array,
  name: string,
  code: FlowTimeErrorCode = "bundle_invalid",
): string {
  try {
    return STRICT.decode(bytes);
  } catch {
    throw new FlowTimeError(
      code,
      `${name} is not UTF-8 text (byte ${
        invalidAt(bytes)
      } is not part of a UTF-8 character); save it as UTF-8`,
    );
  }
}

const STRICT = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes of the UTF-8 sequence a lead byte starts (0 for a byte that starts none).
 * @param b the lead byte
 * @returns 1 to 4, or 0
 */
export function utf8SequenceLength(b: number): number {
  return b < 0x80
    ? 1
    : b >= 0xc2 && b < 0xe0
    ? 2
    : b >= 0xe0 && b < 0xf0
    ? 3
    : b >= 0xf0 && b < 0xf5
    ? 4
    : 0;
}

// Offset of the first byte that is not part of a well-formed UTF-8 sequence.
function invalidAt(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const n = utf8SequenceLength(bytes[i]);
    if (n === 0) return i;
    try {
      STRICT.decode(bytes.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return bytes.length;
}

async function check(path: string, options: SafeReadOptions) {
  let real: string;
  let root: string;
  let info: Deno.FileInfo;
  try {
    root = await Deno.realPath(options.root);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    throw fsError(err, "reading", options.root);
  }
  try {
    real = await Deno.realPath(path);
    info = await Deno.stat(real);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    // The sandbox refuses where the link leads: somewhere this process may not read, so not
    // inside the folder (which it may read).
    if (err instanceof Deno.errors.NotCapable) throw outside(path, options);
    throw fsError(err, "reading", path);
  }
  return verdict(path, real, root, info, options);
}

function checkSync(path: string, options: SafeReadOptions) {
  let real: string;
  let root: string;
  let info: Deno.FileInfo;
  try {
    root = Deno.realPathSync(options.root);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    throw fsError(err, "reading", options.root);
  }
  try {
    real = Deno.realPathSync(path);
    info = Deno.statSync(real);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    // The sandbox refuses where the link leads: somewhere this process may not read, so not
    // inside the folder (which it may read).
    if (err instanceof Deno.errors.NotCapable) throw outside(path, options);
    throw fsError(err, "reading", path);
  }
  return verdict(path, real, root, info, options);
}

function verdict(
  path: string,
  real: string,
  root: string,
  info: Deno.FileInfo,
  options: SafeReadOptions,
): { real: string; size: number } {
  if (!isWithin(root, real)) throw outside(path, options);
  regularFile(path, info, options);
  return { real, size: info.size };
}

/**
 * Refuse what is not a regular file, or is larger than the limit.
 * @param path the file
 * @param info what `stat` or `lstat` says of it
 * @param options the size limit, its name and the error code
 */
export function regularFile(path: string, info: Deno.FileInfo, options: SafeReadOptions): void {
  const name = options.name ?? path;
  const code = options.code ?? "bundle_invalid";
  if (!info.isFile) {
    const kind = info.isDirectory
      ? "folder"
      : info.isFifo
      ? "named pipe"
      : info.isCharDevice || info.isBlockDevice
      ? "device"
      : info.isSocket
      ? "socket"
      : "special file";
    throw new FlowTimeError(code, `${name} is a ${kind}, not a regular file; it is not read`);
  }
  if (info.size > options.maxBytes) throw tooLarge(path, info.size, options);
}

async function open(real: string, path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(real, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    throw fsError(err, "reading", path);
  }
}

function openSync(real: string, path: string): Deno.FsFile {
  try {
    return Deno.openSync(real, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw err;
    throw fsError(err, "reading", path);
  }
}

function changed(path: string, options: SafeReadOptions): FlowTimeError {
  return new FlowTimeError(
    options.code ?? "bundle_invalid",
    `${options.name ?? path} changed while it was being opened; try again`,
  );
}

/**
 * The error for a file over the size limit.
 * @param path the file
 * @param size its size (or how much of it was read)
 * @param options the size limit, its name and the error code
 * @returns the error
 */
export function tooLarge(path: string, size: number, options: SafeReadOptions): FlowTimeError {
  return new FlowTimeError(
    options.code ?? "bundle_invalid",
    `${options.name ?? path} is ${
      size > options.maxBytes ? `more than ${options.maxBytes}` : size
    } bytes; a file of this kind holds at most ${options.maxBytes}`,
  );
}

function outside(path: string, options: SafeReadOptions): FlowTimeError {
  return new FlowTimeError(
    options.code ?? "bundle_invalid",
    `${
      options.name ?? path
    } is a link to a file outside its folder; it is not read (a bundle's files stay inside it)`,
  );
}
