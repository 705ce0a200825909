// The one atomic-folder helper. A bundle is built in a hidden sibling temp folder and renamed
// into place, so readers never see a half-written folder and a crash leaves only a temp folder.
import { basename, dirname, join } from "node:path";
import { FlowTimeError, type FlowTimeErrorCode, fsError } from "./errors.ts";

/** Prefix of temp folders; listings skip names starting with "." */
export const TEMP_PREFIX = ".tmp-";
const TRASH_PREFIX = ".trash-";
/** Temp folders older than this are treated as leftovers of a killed writer. */
export const STALE_TEMP_MS = 15 * 60 * 1000;

/** Options for {@link writeFolderAtomically}. */
export interface AtomicWriteOptions {
  /** Replace an existing folder (default false: refuse). */
  overwrite?: boolean;
  /** Error code when the target exists (default `output_exists`). */
  existsCode?: FlowTimeErrorCode;
  /** What the folder is, for messages (default `output folder`). */
  what?: string;
  /** Treat an existing but empty folder as absent (default true). */
  allowEmptyExisting?: boolean;
}

/**
 * Build a folder atomically: `build` fills a fresh temp folder next to `target`, which is then
 * renamed to `target`. On any failure the temp folder is removed and `target` is unchanged.
 * @param target final folder path
 * @param build fills the temp folder it is given
 * @param options overwrite policy and messages
 * @returns whatever `build` returned
 */
export async function writeFolderAtomically<T>(
  target: string,
  build: (tempDir: string) => Promise<T>,
  options: AtomicWriteOptions = {},
): Promise<T> {
  const what = options.what ?? "output folder";
  const existsCode = options.existsCode ?? "output_exists";
  const parent = dirname(target);
  try {
    await Deno.mkdir(parent, { recursive: true });
  } catch (err) {
    throw fsError(err, "creating", parent);
  }
  await removeStaleTemps(parent);
  const existing = await folderState(target);
  if (existing === "nonempty" && !options.overwrite) {
    throw new FlowTimeError(
      existsCode,
      `${what} ${target} already exists`,
      { fix: { option: "overwrite", effect: "replace it" } },
    );
  }
  if (existing === "file") {
    throw new FlowTimeError(existsCode, `${target} exists and is a file, not a folder`);
  }
  const temp = join(parent, `${TEMP_PREFIX}${basename(target)}-${randomHex(6)}`);
  try {
    await Deno.mkdir(temp);
  } catch (err) {
    throw fsError(err, "creating", temp);
  }
  let result: T;
  try {
    result = await build(temp);
  } catch (err) {
    await removeQuietly(temp);
    throw err;
  }
  try {
    if (existing === "nonempty" && options.overwrite) {
      const trash = join(parent, `${TRASH_PREFIX}${basename(target)}-${randomHex(6)}`);
      await Deno.rename(target, trash);
      await Deno.rename(temp, target);
      await removeQuietly(trash);
    } else {
      await Deno.rename(temp, target);
    }
  } catch (err) {
    await removeQuietly(temp);
    if (
      err instanceof Deno.errors.AlreadyExists || /not empty|ENOTEMPTY|EEXIST/i.test(String(err))
    ) {
      throw new FlowTimeError(
        existsCode,
        `${what} ${target} was created by another writer at the same time; nothing was changed`,
      );
    }
    throw fsError(err, "renaming into", target);
  }
  return result;
}

/**
 * Remove leftover temp and trash folders in `parent` (from killed writers).
 * @param parent folder to clean
 * @param maxAgeMs only remove temp folders older than this (default 15 minutes)
 * @returns the names removed
 */
export async function removeStaleTemps(
  parent: string,
  maxAgeMs = STALE_TEMP_MS,
): Promise<string[]> {
  const removed: string[] = [];
  const now = Date.now();
  try {
    for await (const entry of Deno.readDir(parent)) {
      if (!entry.isDirectory) continue;
      if (!entry.name.startsWith(TEMP_PREFIX) && !entry.name.startsWith(TRASH_PREFIX)) continue;
      const path = join(parent, entry.name);
      try {
        const info = await Deno.stat(path);
        const age = now - (info.mtime?.getTime() ?? 0);
        if (age >= maxAgeMs) {
          await Deno.remove(path, { recursive: true });
          removed.push(entry.name);
        }
      } catch {
        // another process removed or renamed it first
      }
    }
  } catch {
    // parent missing or unreadable: nothing to clean
  }
  return removed.sort();
}

/**
 * Write a single file atomically (temp file in the same folder, then rename).
 * @param path destination
 * @param data bytes or text
 */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${randomHex(6)}`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (err) {
    await removeQuietly(temp);
    throw fsError(err, "writing", path);
  }
}

async function folderState(path: string): Promise<"absent" | "empty" | "nonempty" | "file"> {
  try {
    const info = await Deno.stat(path);
    if (!info.isDirectory) return "file";
    for await (const _ of Deno.readDir(path)) return "nonempty";
    return "empty";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "absent";
    throw fsError(err, "reading", path);
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch {
    // already gone
  }
}

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Random lowercase hex, for run ids and temp names.
 * @param bytes number of random bytes (hex length is twice this)
 * @returns hex text
 */
export function randomHexId(bytes: number): string {
  return randomHex(bytes);
}
