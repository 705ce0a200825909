// Safe reads at a lower cost where there are many files or a large one: many files of one
// folder with the folders' real paths resolved once (FolderReader), and one file in pieces
// (readChunksInsideSync). What is read and what is refused are those of lib/base/safe_read.ts.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isWithin } from "./paths.ts";
import { FlowTimeError } from "./errors.ts";
import {
  openInsideSync,
  readFileInsideSync,
  readOpenedSync,
  regularFile,
  type SafeReadOptions,
  tooLarge,
} from "./safe_read.ts";

/**
 * {@link readFileInsideSync} in pieces: the file is read into one buffer of `chunkBytes`, each
 * piece handed to `onChunk` (valid until it returns) with the file's size when it was opened,
 * so a large file is never whole in memory. Every piece but the last fills the buffer.
 * @param path the file
 * @param options the folder, the size limit, its name and the error code
 * @param onChunk receives each piece in order
 * @param chunkBytes size of the pieces
 * @returns the file's length
 */
export function readChunksInsideSync(
  path: string,
  options: SafeReadOptions,
  onChunk: (chunk: Uint8Array, size: number) => void,
  chunkBytes = 1024 * 1024,
): number {
  using opened = openInsideSync(path, options);
  const buffer = new Uint8Array(Math.max(4096, Math.min(chunkBytes, opened.size + 1)));
  let total = 0;
  let filled = 0;
  for (;;) {
    const n = opened.file.readSync(buffer.subarray(filled));
    if (n !== null) {
      filled += n;
      total += n;
      if (total > options.maxBytes) throw tooLarge(path, total, options);
      if (filled < buffer.length) continue;
    }
    if (filled > 0) onChunk(buffer.subarray(0, filled), opened.size);
    filled = 0;
    if (n === null) return total;
  }
}

/**
 * Safe reads of many files of one folder at a lower cost: the real path of each folder the
 * files lie in is resolved once, and a file that is not a link is then checked with `lstat`,
 * opened, and checked again on the open file (same file, still regular): five file-system calls
 * instead of nine. A link (which may lead anywhere) takes {@link readFileInsideSync}'s full
 * checks, so what is read and what is refused are the same as there.
 */
export class FolderReader {
  readonly #root: string;
  readonly #folders = new Map<string, boolean>();
  #realRoot: string | undefined;

  /**
   * A reader of the files of `root`.
   * @param root the folder every file must lie in
   */
  constructor(root: string) {
    this.#root = root;
  }

  /** The folder every file must lie in. */
  get root(): string {
    return this.#root;
  }

  /**
   * Read a file as {@link readFileInsideSync} does (`options.root` is this reader's folder).
   * @param path the file
   * @param options the size limit, its name and the error code
   * @param buffer a buffer to read into when large enough
   * @returns a view of the bytes (in `buffer` when it was large enough)
   */
  read(path: string, options: Omit<SafeReadOptions, "root">, buffer?: Uint8Array): Uint8Array {
    const full = { ...options, root: this.#root };
    return this.#readPlain(path, full, buffer) ?? readFileInsideSync(path, full, buffer);
  }

  // The quick read of a file that is not a link, in a folder already known to lie inside the
  // root; undefined to take the full checks (a link, a folder outside, a file replaced).
  #readPlain(
    path: string,
    options: SafeReadOptions,
    buffer: Uint8Array | undefined,
  ): Uint8Array | undefined {
    const slash = path.lastIndexOf("/");
    if (slash <= 0 || !this.#folderInside(path.slice(0, slash))) return undefined;
    let info: Deno.FileInfo;
    let fd: number;
    try {
      info = Deno.lstatSync(path);
      if (info.isSymlink) return undefined;
      // not a regular file, or too large: refused exactly as the full checks refuse it
      regularFile(path, info, options);
      fd = openSync(path, QUICK_OPEN);
    } catch (err) {
      if (err instanceof FlowTimeError) throw err;
      // missing, or anything unusual: the full checks say what it is
      return undefined;
    }
    try {
      // the open file's own stat, through its descriptor: Deno.FsFile's statSync resolves the
      // file's real path again for the permission check (one readlink per folder of the path,
      // as costly as the open), which node:fs's fstatSync does not
      const now = fstatSync(fd);
      if (!now.isFile() || now.ino !== info.ino || now.dev !== info.dev) return undefined;
      return readOpenedSync(descriptorReader(fd), now.size, path, options, buffer);
    } finally {
      closeSync(fd);
    }
  }

  #folderInside(folder: string): boolean {
    let inside = this.#folders.get(folder);
    if (inside === undefined) {
      try {
        this.#realRoot ??= Deno.realPathSync(this.#root);
        inside = isWithin(this.#realRoot, Deno.realPathSync(folder));
      } catch {
        inside = false;
      }
      this.#folders.set(folder, inside);
    }
    return inside;
  }
}

// The quick read opens through node:fs, which takes open(2) flags: a FIFO put in place between
// the lstat and the open does not block it, and a link put there is refused when the process
// may read anything (with a read allow-list Deno resolves links before it opens; the inode
// check after the open refuses those).
const QUICK_OPEN = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

// `readSync` of a file descriptor as Deno.FsFile's: null at the end.
function descriptorReader(fd: number): Pick<Deno.FsFile, "readSync"> {
  return {
    readSync(into: Uint8Array): number | null {
      const n = readSync(fd, into, 0, into.length, null);
      return n === 0 && into.length > 0 ? null : n;
    },
  };
}
