// The one atomic-folder helper. A bundle is built in a hidden sibling temp folder and renamed
// into place, so readers never see a half-written folder and a crash leaves only a temp folder.
//
// Replacing an existing bundle takes two renames (old -> `.trash-<name>-<hex>`, new temp
// `.tmp-<name>-<hex>` -> name) under a lock folder `.lock-<name>`, so writers of one name take
// turns. The shared hex links the two: whoever finds a trash folder without its name (the
// writer was killed between the renames) puts the new copy in place when its temp folder is
// still there and the old one back otherwise (`tidyFolder`, run before every write and by
// `flowtime gc`). One copy always survives, whatever step a kill lands on.
import { basename, dirname, join } from "node:path";
import { FlowTimeError, type FlowTimeErrorCode, fsError } from "./errors.ts";

/** Prefix of temp folders; listings skip names starting with "." */
export const TEMP_PREFIX = ".tmp-";
/** Prefix of an old bundle being replaced. */
export const TRASH_PREFIX = ".trash-";
/** Prefix of the lock folder of a name being replaced. */
export const LOCK_PREFIX = ".lock-";
/** Temp folders older than this are treated as leftovers of a killed writer. */
export const STALE_TEMP_MS = 15 * 60 * 1000;
/** A lock older than this was left by a killed writer (the swap it guards takes milliseconds). */
const STALE_LOCK_MS = 5 * 1000;
/** How long a writer waits for another writer's swap of the same name. */
const LOCK_WAIT_MS = 60 * 1000;
/** How long a reader waits for a swap in progress to put its folder back: longer than a lock
 * can stay fresh, so a swap whose writer was killed is recovered by then. */
const READER_WAIT_MS = STALE_LOCK_MS + 1000;
const HEX = /^(.+)-([0-9a-f]{12})$/;

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
    await Deno.mkdir(parent, { recursive: true });
  } catch (err) {
    throw fsError(err, "creating", parent);
  }
  await tidyFolder(parent).catch(() => {});
  checkReplaceable(await folderState(target, options.marker), target, options, false);
  const hex = randomHex(6);
  const temp = join(parent, `${TEMP_PREFIX}${name}-${hex}`);
  try {
    await Deno.mkdir(temp);
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
        await swapIn();
      } catch (err) {
        // Whatever failed, the old copy stays: put it back if it was moved aside.
        if (trash && !(await exists(target))) await Deno.rename(trash, target).catch(() => {});
        await removeQuietly(temp);
        throw err;
      }
    });
    await options.onStep?.("unlocked");
    if (trash) await removeQuietly(trash);
    return result;

    async function swapIn(): Promise<void> {
      await options.onStep?.("locked");
      const state = await folderState(target, options.marker);
      checkReplaceable(state, target, options, true);
      if (state === "bundle") {
        trash = join(parent, `${TRASH_PREFIX}${name}-${hex}`);
        try {
          await Deno.rename(target, trash);
        } catch (err) {
          throw fsError(err, "renaming", target);
        }
        await options.onStep?.("moved-old");
      }
      try {
        await Deno.rename(temp, target);
      } catch (err) {
        throw fsError(err, "renaming into", target);
      }
      await options.onStep?.("moved-new");
    }
  } finally {
    inProgress.delete(temp);
  }
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
// marker is asked for), "other" when it does not.
async function folderState(path: string, marker?: string): Promise<FolderState> {
  try {
    const info = await Deno.stat(path);
    if (!info.isDirectory) return "file";
    for await (const _ of Deno.readDir(path)) {
      if (!marker) return "bundle";
      try {
        await Deno.stat(join(path, marker));
        return "bundle";
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return "other";
        throw err;
      }
    }
    return "empty";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "absent";
    throw fsError(err, "reading", path);
  }
}

// Run `fn` holding `<parent>/.lock-<name>` (a folder: creating it is atomic). A lock older than
// a swap can take was left by a killed writer and is broken.
async function withLock(
  parent: string,
  name: string,
  options: AtomicWriteOptions,
  fn: () => Promise<void>,
): Promise<void> {
  const lock = join(parent, `${LOCK_PREFIX}${name}`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await Deno.mkdir(lock);
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
    await Deno.remove(lock).catch(() => {});
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

/** What {@link tidyFolder} did. */
export interface TidyReport {
  /** Names removed: temp folders of killed writes, and trash of finished replacements. */
  removed: string[];
  /** Names put back in place after a writer was killed in the middle of a replacement. */
  recovered: string[];
}

/**
 * Finish or undo replacements a killed writer left half done (the new copy goes in place when
 * complete, else the old one comes back), then remove temp folders at least `minAgeMs` old.
 * Young temp folders may belong to a write in progress and are left alone.
 * @param parent folder to tidy
 * @param minAgeMs only remove temp folders at least this old
 * @returns what was removed and recovered
 * @throws FlowTimeError when the folder cannot be read (a missing folder is fine)
 */
export async function tidyFolder(parent: string, minAgeMs = STALE_TEMP_MS): Promise<TidyReport> {
  const report: TidyReport = { removed: [], recovered: [] };
  let names: string[];
  try {
    names = (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return report;
    throw fsError(err, "reading", parent);
  }
  const present = new Set(names);
  const pairedTemps = new Set<string>();
  for (const entry of names) {
    if (!entry.startsWith(TRASH_PREFIX)) continue;
    const m = HEX.exec(entry.slice(TRASH_PREFIX.length));
    if (!m) continue;
    const [, name, hex] = m;
    const temp = `${TEMP_PREFIX}${name}-${hex}`;
    pairedTemps.add(temp);
    await withLock(parent, name, {}, async () => {
      const trash = join(parent, entry);
      if (!(await exists(trash))) return; // someone else finished it
      if (await exists(join(parent, name))) {
        await removeQuietly(trash);
        report.removed.push(entry);
      } else if (present.has(temp) && (await exists(join(parent, temp)))) {
        await Deno.rename(join(parent, temp), join(parent, name));
        await removeQuietly(trash);
        report.recovered.push(`${name} (the new copy)`);
      } else {
        await Deno.rename(trash, join(parent, name));
        report.recovered.push(`${name} (the old copy)`);
      }
    });
  }
  const now = Date.now();
  for (const entry of names) {
    const temp = entry.startsWith(TEMP_PREFIX) && !pairedTemps.has(entry);
    const lock = entry.startsWith(LOCK_PREFIX);
    if (!temp && !lock) continue;
    try {
      const info = await Deno.stat(join(parent, entry));
      const age = now - (info.mtime?.getTime() ?? 0);
      if (age >= (lock ? Math.max(minAgeMs, STALE_LOCK_MS) : minAgeMs)) {
        await Deno.remove(join(parent, entry), { recursive: true });
        report.removed.push(entry);
      }
    } catch {
      // another process removed or renamed it first
    }
  }
  report.removed.sort();
  return report;
}

/**
 * Wait while a replacement of `path` is in progress, so that a reader that found nothing there
 * looks again once the new copy is in place. A replacement whose writer was killed is finished
 * or undone here (where this process may write) once its lock has gone stale, six seconds at
 * most after the kill.
 * @param path a folder that was not found
 * @returns whether a replacement was seen (worth looking again)
 */
export async function waitForReplacement(path: string): Promise<boolean> {
  const parent = dirname(path);
  const name = basename(path);
  const replacing = async () => {
    if (await exists(join(parent, `${LOCK_PREFIX}${name}`))) return true;
    try {
      for await (const e of Deno.readDir(parent)) {
        if (e.name.startsWith(`${TRASH_PREFIX}${name}-`)) return true;
      }
    } catch {
      // unreadable: nothing to wait for
    }
    return false;
  };
  if (!(await replacing())) return false;
  const deadline = Date.now() + READER_WAIT_MS;
  while (Date.now() < deadline) {
    if (await exists(path)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  // Abandoned: put the complete copy back (temp folders are left to their own rules).
  await tidyFolder(parent, Infinity).catch(() => {});
  return true;
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
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
