// A run written again where one already is and may not be replaced: its files, as they are
// produced, compared with the folder's (everything but when it was written), and the kept
// folder's documents read back.
import { join } from "node:path";
import { readFileInside } from "../base/safe_read.ts";
import { listFiles, sameBytes } from "../base/tree.ts";
import { RUN_FILES } from "./layout.ts";
import type { WrittenRun } from "./writer.ts";

/**
 * Whether a folder exists and holds anything.
 * @param dir the folder
 * @returns true when it has at least one entry
 */
export async function holdsFiles(dir: string): Promise<boolean> {
  try {
    if (!(await Deno.stat(dir)).isDirectory) return false;
    for await (const _ of Deno.readDir(dir)) return true;
    return false;
  } catch {
    return false;
  }
}

// Compares the files of a run, as they are produced, with a run folder already there.
export class RunComparison {
  readonly #dir: string;
  readonly #seen = new Set<string>();
  #differs = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async file(rel: string, data: Uint8Array | string): Promise<void> {
    this.#seen.add(rel);
    if (this.#differs) return;
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    let existing: Uint8Array;
    try {
      // Read only what may be this file: a link out, a device or a larger file differs.
      existing = await readFileInside(join(this.#dir, rel), {
        root: this.#dir,
        maxBytes: bytes.length + 4096,
      });
    } catch {
      this.#differs = true;
      return;
    }
    const key = runContentKey(rel, bytes);
    this.#differs = key !== undefined
      ? key !== runContentKey(rel, existing)
      : !sameBytes(bytes, existing);
  }

  async same(): Promise<boolean> {
    if (this.#differs) return false;
    const files = await listFiles(this.#dir);
    return files.length === this.#seen.size && files.every((f) => this.#seen.has(f));
  }
}

// What counts when comparing two writes of a run: everything but when it was written.
const STAMPS: Record<string, readonly string[]> = {
  [RUN_FILES.run]: ["createdUtc", "modelHash", "scenarioHash"],
  [RUN_FILES.manifest]: ["createdUtc", "modelHash", "scenarioHash"],
  [RUN_FILES.metadata]: ["generatedAtUtc", "modelHash"],
  [RUN_FILES.provenance]: ["generatedAt"],
};

function runContentKey(path: string, bytes: Uint8Array): string | undefined {
  const stamps = STAMPS[path];
  if (stamps) {
    try {
      const doc = JSON.parse(new TextDecoder().decode(bytes));
      for (const key of stamps) delete doc[key];
      return JSON.stringify(doc);
    } catch {
      return undefined;
    }
  }
  if (path === RUN_FILES.model || path === RUN_FILES.spec) {
    // a generated model's last root key is its provenance, whose generatedAt is a timestamp
    const text = new TextDecoder().decode(bytes);
    const at = text.search(/^provenance:/m);
    return at < 0 ? undefined : text.slice(0, at) +
      text.slice(at).replace(/^(\s+generatedAt:).*$/m, "$1");
  }
  return undefined;
}

/**
 * The documents of a run kept as it was (each falling back to the fresh one when unreadable).
 * @param runDir the run folder
 * @param fresh what this write would have written
 * @returns the kept documents
 */
export async function readWrittenDocuments(runDir: string, fresh: WrittenRun): Promise<WrittenRun> {
  const read = async <T>(rel: string, fallback: T): Promise<T> => {
    try {
      return JSON.parse(await Deno.readTextFile(join(runDir, rel))) as T;
    } catch {
      return fallback;
    }
  };
  return {
    runId: fresh.runId,
    runDir,
    runJson: await read(RUN_FILES.run, fresh.runJson),
    manifest: await read(RUN_FILES.manifest, fresh.manifest),
    metadata: await read(RUN_FILES.metadata, fresh.metadata),
    index: await read(RUN_FILES.seriesIndex, fresh.index),
  };
}
