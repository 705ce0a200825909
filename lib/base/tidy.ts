// Tidying a folder of bundles after killed writers: a replacement left half done is finished
// (the new copy, complete, goes in place) or undone (the old copy comes back), and temp folders
// old enough to be abandoned are removed. Readers that find a bundle missing while it is being
// replaced wait for it here.
import { basename, dirname, join } from "node:path";
import { fsError } from "./errors.ts";
import {
  exists,
  LOCK_PREFIX,
  removeQuietly,
  STALE_LOCK_MS,
  STALE_TEMP_MS,
  TEMP_PREFIX,
  TRASH_PREFIX,
  withLock,
} from "./atomic.ts";

const HEX = /^(.+)-([0-9a-f]{12})$/;

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
    // Listed through the event loop: a runs folder may hold tens of thousands of runs (20,000
    // take some 75 ms to list), which a synchronous listing would keep every other request
    // waiting for on each write. The single-file calls below are synchronous (see atomic.ts).
    names = [];
    for await (const e of Deno.readDir(parent)) names.push(e.name);
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
      const info = Deno.statSync(join(parent, entry));
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
  // Longer than a lock stays fresh: a swap whose writer was killed is recoverable by then.
  const deadline = Date.now() + STALE_LOCK_MS + 1000;
  while (Date.now() < deadline) {
    if (await exists(path)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  // Abandoned: put the complete copy back (temp folders are left to their own rules).
  await tidyFolder(parent, Infinity).catch(() => {});
  return true;
}
