// StateQueryService: answers state queries for runs in a runs folder by id, confined to that
// folder, keeping recently opened runs so repeated queries only slice series already in memory.
import { join } from "node:path";
import { FlowTimeError, fsError, isFlowTimeError } from "../base/errors.ts";
import { MAX_READ_ATTEMPTS, REPLACED_RUN_CODES, runFolder } from "../artifacts/reader.ts";
import { isSafeId } from "../base/paths.ts";
import { waitForReplacement } from "../base/tidy.ts";
import { loadStateRun, type StateRun } from "./load.ts";
import { responseJsonText } from "./_response_text.ts";
import { snapshotOf } from "./snapshot.ts";
import type { StateQuery, StateResponse } from "./types.ts";
import { windowOf } from "./window.ts";
import { RUN_FILES } from "../artifacts/layout.ts";

/**
 * Answer a state query on an opened run. The CLI and the server both call this.
 * @param run the opened run
 * @param query a snapshot bin or an inclusive window (already checked against the grid)
 * @returns the snapshot or window response
 */
export function queryState(run: StateRun, query: StateQuery): StateResponse {
  return query.kind === "snapshot" ? snapshotOf(run, query.binIndex) : windowOf(run, query);
}

/**
 * The exact text of a state response, as both `flowtime state` and the server send it:
 * 2-space indented JSON with arrays of plain values on one line, and a trailing newline.
 * @param response a snapshot or window
 * @returns the JSON text
 */
export function stateResponseText(response: StateResponse): string {
  return responseJsonText(response);
}

/** Options for {@link StateQueryService}. */
export interface StateQueryServiceOptions {
  /** The runs folder (`<dataDir>/runs`). */
  runsDir: string;
  /** How many opened runs to keep (0 keeps none).
   * @default 16
   */
  cacheSize?: number;
  /** A kept run is served without looking at its folder again for this many milliseconds
   * after the last look (a server answering thousands of queries a second spends a third of
   * its time on that look under Deno's read sandbox); runs replaced in the meantime are
   * noticed that much later. {@link StateQueryService.forget} drops a run at once.
   * @default 0 (every open looks)
   */
  recheckAfterMs?: number;
}

// Failures that come from the run folder's content, not from the moment.
const LASTING_FAILURES = [
  "bundle_invalid",
  "provenance_mismatch",
  "model_invalid",
  "expr_invalid",
  "cycle",
  "yaml_syntax",
  "telemetry_invalid",
  "hash_mismatch",
] as const;

interface CacheEntry {
  stamp: string;
  run: Promise<StateRun>;
  /** The run once loaded. */
  value?: StateRun;
  checkedAt: number;
  used: number;
}

/**
 * Opens runs by id inside one runs folder and answers state queries on them. A run id must be
 * a single safe name, and the folder it names must really lie inside the runs folder (a symlink
 * pointing elsewhere is refused). Opened runs are kept, keyed by the identity of their folder
 * (inode, change and modification times): runs are written in a temp folder renamed into
 * place and never edited in place, so a rewritten run is a new folder, noticed and reopened.
 */
export class StateQueryService {
  /** The runs folder. */
  readonly runsDir: string;
  readonly #cacheSize: number;
  readonly #recheckAfterMs: number;
  readonly #cache = new Map<string, CacheEntry>();

  /**
   * Create a service over a runs folder.
   * @param options runs folder and cache size
   */
  constructor(options: StateQueryServiceOptions) {
    this.runsDir = options.runsDir;
    this.#cacheSize = options.cacheSize ?? 16;
    this.#recheckAfterMs = options.recheckAfterMs ?? 0;
  }

  /**
   * Drop a kept run, so the next open reads it again (after a write that replaced it).
   * @param runId the run id
   */
  forget(runId: string): void {
    this.#cache.delete(runId);
  }

  /**
   * Open a run by id (from the cache when unchanged).
   * @param runId the run id
   * @returns the opened run
   * @throws FlowTimeError `invalid_id` for ids that are not a single safe name, `run_not_found`
   *   for unknown runs, and whatever {@link loadStateRun} throws
   */
  async openRun(runId: string): Promise<StateRun> {
    // A run replaced while it was being read (files of two copies, or none in the gap between
    // the renames) is opened again from the new copy; writers of one name take turns, so a
    // reader may meet several replacements in a row.
    for (let attempt = 1;; attempt++) {
      const used: { stamp?: string } = {};
      try {
        return await this.#open(runId, used);
      } catch (err) {
        const vanished = err instanceof Deno.errors.NotFound;
        // what a read of two copies (or of none) fails with
        const retryable = vanished || isFlowTimeError(err, ...REPLACED_RUN_CODES);
        if (!retryable || attempt >= MAX_READ_ATTEMPTS) throw this.#vanished(err, runId);
        const replaced = (await waitForReplacement(join(this.runsDir, runId))) ||
          (await this.#stampNow(runId)) !== used.stamp;
        if (!replaced) throw this.#vanished(err, runId);
      }
    }
  }

  // A folder gone in the middle of a read is a run not found (never a raw file-system error).
  #vanished(err: unknown, runId: string): unknown {
    return err instanceof Deno.errors.NotFound
      ? new FlowTimeError("run_not_found", `run '${runId}' was removed while it was being read`)
      : err;
  }

  // The identity of the run's folder now (undefined when there is none).
  async #stampNow(runId: string): Promise<string | undefined> {
    try {
      return quickStamp(this.runsDir, runId) ??
        await runStamp(join(this.runsDir, runId), runId);
    } catch {
      return undefined;
    }
  }

  async #open(runId: string, used: { stamp?: string } = {}): Promise<StateRun> {
    const cached = this.#unchanged(runId);
    if (cached) {
      used.stamp = cached.stamp;
      return cached.value ?? await cached.run;
    }
    const dir = await this.runDir(runId);
    const stamp = quickStamp(this.runsDir, runId) ?? await runStamp(dir, runId);
    used.stamp = stamp;
    // requests that arrive together share one load
    const loading = this.#cache.get(runId);
    if (loading && loading.stamp === stamp) return await loading.run;
    const run = loadStateRun(dir);
    if (this.#cacheSize > 0) {
      const now = performance.now();
      const entry: CacheEntry = { stamp, run, checkedAt: now, used: now };
      this.#cache.delete(runId);
      this.#cache.set(runId, entry);
      // A damaged run stays damaged until it is rewritten (a new stamp): its failure is kept
      // too, so asking again costs nothing. Failures that may pass (IO) are forgotten.
      run.then((value) => entry.value = value, (err) => {
        if (!isFlowTimeError(err, ...LASTING_FAILURES) && this.#cache.get(runId)?.run === run) {
          this.#cache.delete(runId);
        }
      });
      while (this.#cache.size > this.#cacheSize) {
        let oldest: [string, CacheEntry] | undefined;
        for (const e of this.#cache) if (!oldest || e[1].used < oldest[1].used) oldest = e;
        this.#cache.delete(oldest![0]);
      }
    }
    return await run;
  }

  /**
   * A run already opened and unchanged, without waiting: what {@link openRun} would answer
   * from memory, or undefined when it would have to read (or wait for) the run.
   * @param runId the run id
   * @returns the opened run, or undefined
   */
  openedRun(runId: string): StateRun | undefined {
    return this.#unchanged(runId)?.value;
  }

  // The hot path: a kept run whose folder (a real folder, not a link) is unchanged: one
  // synchronous lstat at most (none within recheckAfterMs of the last); anything else takes
  // the full checks of openRun.
  #unchanged(runId: string): CacheEntry | undefined {
    const cached = this.#cache.get(runId);
    if (!cached) return undefined;
    const now = performance.now();
    const fresh = now - cached.checkedAt < this.#recheckAfterMs;
    const stamp = fresh ? cached.stamp : quickStamp(this.runsDir, runId);
    if (stamp === undefined || stamp !== cached.stamp) return undefined;
    if (!fresh) cached.checkedAt = now;
    cached.used = now;
    return cached;
  }

  /**
   * The folder of a run id, checked to lie inside the runs folder.
   * @param runId the run id
   * @returns the run folder
   */
  async runDir(runId: string): Promise<string> {
    return await runFolder(this.runsDir, runId);
  }
}

// The identity of `<runsDir>/<runId>` when it is a real folder (a single safe name that is not
// a symlink lies inside the runs folder), else undefined: one lstat. Runs are replaced by
// renaming a new folder into place, never edited in place, so a new inode (or change time)
// means a new run.
function quickStamp(runsDir: string, runId: string): string | undefined {
  if (!isSafeId(runId)) return undefined;
  try {
    const folder = Deno.lstatSync(join(runsDir, runId));
    if (!folder.isDirectory) return undefined;
    return `${folder.dev}:${folder.ino}:${folder.ctime?.getTime()}:${folder.mtime?.getTime()}`;
  } catch {
    return undefined;
  }
}

async function runStamp(dir: string, runId: string): Promise<string> {
  try {
    const info = await Deno.stat(join(dir, RUN_FILES.run));
    return `${info.ino ?? ""}:${info.size}:${info.mtime?.getTime() ?? ""}`;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError(
        "bundle_invalid",
        `run '${runId}' has no run.json; the run folder is damaged or still being written`,
      );
    }
    throw fsError(err, "reading", join(dir, RUN_FILES.run));
  }
}
