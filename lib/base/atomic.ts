// The one atomic-folder helper. A bundle is built in a hidden sibling temp folder and renamed
// into place, so readers never see a half-written folder and a crash leaves only a temp folder.
//
// Replacing an existing bundle takes two renames (old -> `.trash-<name>-<hex>`, new temp
// `.tmp-<name>-<hex>` -> name) under a lock folder `.lock-<name>`, so writers of one name take
// turns. The shared hex links the two: whoever finds a trash folder without its name (the
// writer was killed between the renames) puts the new copy in place when its temp folder is
// still there and the old one back otherwise (`tidyFolder`, run before every write and by
// `flowtime gc`). One copy always survives, whatever step a kill lands on.
//
// The steps are small file-system calls (stat, mkdir, rename) made synchronously: through the
// event loop each costs a fifth of a millisecond or more, and the first one starts the IO
// threads, which together was a tenth of a small capture's time. Removing a folder tree, which
// may take long, stays asynchronous.
import { basename, dirname, join } from "node:path";
import { FlowTimeError, type FlowTimeErrorCode, fsError } from "./errors.ts";
import { tidyFolder } from "./tidy.ts";

/** Prefix of temp folders; listings skip names starting with "." */
export const TEMP_PREFIX = ".tmp-";
/** Prefix of an old bundle being replaced. */
export const TRASH_PREFIX = ".trash-";
/** Prefix of the lock folder of a name being replaced. */
export const LOCK_PREFIX = ".lock-";
/** Temp folders older than this are treated as leftovers of a killed writer. */
export const STALE_TEMP_MS = 15 * 60 * 1000;
/** A lock older than this was left by a killed writer (the swap it guards takes milliseconds). */
export const STALE_LOCK_MS = 5 * 1000;
/** How long a writer waits for another writer's swap of the same name. */
const LOCK_WAIT_MS = 60 * 1000;

/** The steps of a write, in order, for fault tests that stop a writer at each. */
export type AtomicStep = "built" | "locked" | "moved-old" | "moved-new" | "unlocked";

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
  /** A file every folder of this kind holds (`run.json`): an existing folder without it is
   * never replaced, overwrite or not. */
  marker?: string;
  /** Called after each step (fault tests stop the process there). */
  onStep?: (step: AtomicStep) => void | Promise<void>;
}

// Temp folders of writes in progress in this process, removed on interruption.
const inProgress = new Set<string>();

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
  const parent = dirname(target);
  const name = basename(target);
  try {
    Deno.mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw fsError(err, "creating", parent);
  }
  await tidyFolder(parent).catch(() => {});
  checkReplaceable(folderState(target, options.marker), target, options, false);
  const hex = randomHex(6);
  const temp = join(parent, `${TEMP_PREFIX}${name}-${hex}`);
  try {
    Deno.mkdirSync(temp);
  } catch (err) {
    throw fsError(err, "creating", temp);
  }
  inProgress.add(temp);
  try {
    let result: T;
    try {
      result = await build(temp);
      await options.onStep?.("built");
    } catch (err) {
      await removeQuietly(temp);
      throw err;
    }
    let trash: string | undefined;
    await withLock(parent, name, options, async () => {
      try {
        trash = await swapIn(target, temp, hex, options);
      } catch (err) {
        // Whatever failed, the old copy stays: put it back if it was moved aside.
        const aside = join(parent, `${TRASH_PREFIX}${name}-${hex}`);
        if (!(await exists(target)) && (await exists(aside))) {
          await Deno.rename(aside, target).catch(() => {});
        }
        await removeQuietly(temp);
        throw err;
      }
    });
    await options.onStep?.("unlocked");
    if (trash) await removeQuietly(trash);
    return result;
  } finally {
    inProgress.delete(temp);
  }
}

// The two renames, under the lock: the old copy aside (as the trash of this write), the new one
// in place. Returns the trash folder to remove, if there was an old copy.
async function swapIn(
  target: string,
  temp: string,
  hex: string,
  options: AtomicWriteOptions,
): Promise<string | undefined> {
  await options.onStep?.("locked");
  const state = folderState(target, options.marker);
  checkReplaceable(state, target, options, true);
  let trash: string | undefined;
  if (state === "bundle") {
    trash = join(dirname(target), `${TRASH_PREFIX}${basename(target)}-${hex}`);
    try {
      Deno.renameSync(target, trash);
    } catch (err) {
      throw fsError(err, "renaming", target);
    }
    await options.onStep?.("moved-old");
  }
  try {
    Deno.renameSync(temp, target);
  } catch (err) {
    throw fsError(err, "renaming into", target);
  }
  await options.onStep?.("moved-new");
  return trash;
}

type FolderState = "absent" | "empty" | "bundle" | "other" | "file";

function checkReplaceable(
  state: FolderState,
  target: string,
  options: AtomicWriteOptions,
  racing: boolean,
): void {
  const what = options.what ?? "output folder";
  const code = options.existsCode ?? "output_exists";
  if (state === "file") {
    throw new FlowTimeError(code, `${target} exists and is a file, not a folder`);
  }
  if (state === "other") {
    throw new FlowTimeError(
      code,
      `${target} exists and is not a ${what} (it has no ${options.marker}); nothing was changed, choose another name`,
    );
  }
  if (state === "bundle" && !options.overwrite) {
    if (racing) {
      throw new FlowTimeError(
        code,
        `${what} ${target} was created by another writer at the same time; nothing was changed`,
      );
    }
    throw new FlowTimeError(code, `${what} ${target} already exists`, {
      fix: { option: "overwrite", effect: "replace it" },
    });
  }
}

// What is at `path`: a folder with entries is a "bundle" when it holds the marker file (or no
// marker is asked for), "other" when it does not. Another writer may swap the folder while it
// is looked at (its marker then seems missing): the answer counts only when the same folder is
// still there afterwards, else it is looked at again.
function folderState(path: string, marker?: string): FolderState {
  for (let attempt = 1;; attempt++) {
    let before: Deno.FileInfo;
    try {
      before = Deno.statSync(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return "absent";
      throw fsError(err, "reading", path);
    }
    if (!before.isDirectory) return "file";
    let state: FolderState = "empty";
    try {
      for (const _ of Deno.readDirSync(path)) {
        state = "bundle";
        if (marker) {
          try {
            Deno.statSync(join(path, marker));
          } catch (err) {
            if (!(err instanceof Deno.errors.NotFound)) throw err;
            state = "other";
          }
        }
        break;
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw fsError(err, "reading", path);
      state = "absent"; // moved away while read: look again
    }
    let after: Deno.FileInfo | undefined;
    try {
      after = Deno.statSync(path);
    } catch {
      after = undefined;
    }
    const same = after !== undefined && after.ino === before.ino && after.dev === before.dev;
    if (same && state !== "absent") return state;
    if (attempt >= 20) return after === undefined ? "absent" : state;
  }
}

/**
 * Run `fn` holding `<parent>/.lock-<name>` (a folder: creating it is atomic). A lock older
 * than a swap can take was left by a killed writer and is broken.
 * @param parent the folder
 * @param name the name being replaced
 * @param options messages (the error code when waiting too long)
 * @param fn what to do holding the lock
 */
export async function withLock(
  parent: string,
  name: string,
  options: AtomicWriteOptions,
  fn: () => Promise<void>,
): Promise<void> {
  const lock = join(parent, `${LOCK_PREFIX}${name}`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      Deno.mkdirSync(lock);
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw fsError(err, "creating", lock);
    }
    if (await breakStaleLock(lock)) continue;
    if (Date.now() > deadline) {
      throw new FlowTimeError(
        options.existsCode ?? "output_exists",
        `${join(parent, name)} is being replaced by another writer; try again`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  try {
    await fn();
  } finally {
    try {
      Deno.removeSync(lock);
    } catch {
      // already gone (broken as stale by another writer)
    }
  }
}

async function breakStaleLock(lock: string): Promise<boolean> {
  try {
    const info = await Deno.stat(lock);
    if (Date.now() - (info.mtime?.getTime() ?? 0) < STALE_LOCK_MS) return false;
    // Renamed first, so two processes breaking it at once cannot remove a fresh lock.
    const aside = `${lock}-stale-${randomHex(6)}`;
    await Deno.rename(lock, aside);
    await removeQuietly(aside);
    return true;
  } catch {
    return true; // gone meanwhile: try to take it
  }
}

/**
 * Remove the temp folders of writes still in progress in this process (on Ctrl-C or SIGTERM,
 * before exiting). Files still being written into them are removed too.
 * @returns the folders removed
 */
export function removeWritesInProgress(): string[] {
  const removed: string[] = [];
  for (const temp of inProgress) {
    // A write still in flight may add a file after a first pass: try a few times.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        Deno.removeSync(temp, { recursive: true });
        break;
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) break;
      }
    }
    removed.push(temp);
  }
  inProgress.clear();
  return removed;
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

/**
 * Whether anything (a link included) is at a path.
 * @param path the path
 * @returns true when it exists
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove a file or folder tree, quietly when it is already gone.
 * @param path the path
 */
export async function removeQuietly(path: string): Promise<void> {
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
