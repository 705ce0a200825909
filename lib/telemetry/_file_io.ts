// File IO for captures, built to keep memory flat over thousands of series: one reusable read
// buffer, and a few pooled write buffers with their writes overlapped (file creation latency,
// not bandwidth, dominates when writing many small files).
import { hashOf } from "../base/hash.ts";
import type { SafeReadOptions } from "../base/safe_read.ts";
import { FolderReader } from "../base/folder_read.ts";
import { EventLoopTurns } from "../base/turn.ts";

const ENCODER = new TextEncoder();
// Files up to this size are written synchronously.
const SYNC_WRITE_BYTES = 128 * 1024;

/**
 * Reads whole files into one buffer that is reused from call to call, so reading thousands of
 * files does not leave thousands of buffers for the garbage collector.
 */
export class ReusingReader {
  #buffer = new Uint8Array(64 * 1024);
  #folders: FolderReader | undefined;

  /**
   * Read a file of a folder safely (a regular file inside `root`, at most `maxBytes`). The
   * bytes are valid until the next call.
   * @param path file to read
   * @param options the folder it must lie in and the size limit
   * @returns a view of the file's bytes
   */
  read(path: string, options: SafeReadOptions): Uint8Array {
    // the folders' real paths resolved once for the whole capture (one root per capture)
    if (this.#folders?.root !== options.root) this.#folders = new FolderReader(options.root);
    const bytes = this.#folders.read(path, options, this.#buffer);
    if (bytes.buffer !== this.#buffer.buffer) {
      this.#buffer = new Uint8Array(bytes.buffer as ArrayBuffer);
    }
    return bytes;
  }
}

/**
 * Encode text as UTF-8 into `buffer` when it fits, else into a fresh array.
 * @param text the text
 * @param buffer where to write
 * @returns the bytes
 */
export function encodeText(text: string, buffer: Uint8Array): Uint8Array {
  if (buffer.length >= text.length) {
    const { read, written } = ENCODER.encodeInto(text, buffer);
    if (read === text.length) return buffer.subarray(0, written);
  }
  return ENCODER.encode(text);
}

/**
 * Writes files with at most `limit` writes in flight, each from a pooled buffer. The first
 * failure is kept and rethrown by the next call, `drain` or `settle`'s caller.
 */
export class PooledWriter {
  readonly #limit: number;
  readonly #free: Uint8Array[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #describe: (err: unknown, path: string) => unknown;
  #failure: { error: unknown } | undefined;
  readonly #turns = new EventLoopTurns();

  /**
   * Create a writer.
   * @param limit writes in flight at once
   * @param describe turns a write error into the error to report
   */
  constructor(limit: number, describe: (err: unknown, path: string) => unknown) {
    this.#limit = limit;
    this.#describe = describe;
  }

  /**
   * Fill a pooled buffer with `encode`, hash the bytes, and start writing them to `path`
   * (waiting first while `limit` writes are in flight).
   * @param path destination file
   * @param encode writes the content into the buffer it is given (or a larger one it returns)
   * @param knownHash `sha256:` of the bytes `encode` writes, when the caller has it already
   * @returns `sha256:` of the bytes written
   */
  async write(
    path: string,
    encode: (buffer: Uint8Array) => Uint8Array,
    knownHash?: string,
  ): Promise<string> {
    this.#throwIfFailed();
    while (this.#inFlight.size >= this.#limit) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    const bytes = encode(this.#free.pop() ?? new Uint8Array(64 * 1024));
    const hash = knownHash ?? hashOf(bytes);
    if (bytes.length <= SYNC_WRITE_BYTES) {
      // A small file is written at once: creating it is most of the cost, and through the IO
      // threads it costs several times more (250 files of 4 KB: 35-100 ms against 115-175 ms).
      // The event loop gets a turn every 50 ms.
      try {
        Deno.writeFileSync(path, bytes);
      } catch (err) {
        this.#failure ??= { error: this.#describe(err, path) };
      }
      this.#free.push(new Uint8Array(bytes.buffer as ArrayBuffer));
      await this.#turns.maybe();
      this.#throwIfFailed();
      return hash;
    }
    const running: Promise<void> = Deno.writeFile(path, bytes)
      .catch((err) => {
        this.#failure ??= { error: this.#describe(err, path) };
      })
      .finally(() => {
        this.#inFlight.delete(running);
        // keep whichever buffer the bytes ended up in (a grown one is worth keeping)
        this.#free.push(new Uint8Array(bytes.buffer as ArrayBuffer));
      });
    this.#inFlight.add(running);
    return hash;
  }

  /** Wait for every write; rethrow the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#throwIfFailed();
  }

  /** Wait for every write to finish, whatever the outcome (before removing their folder). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
