// Where a capture may be written: never overlapping the run, never over something that is not
// a capture, and, when it fails, leaving no folder it created behind; and whether a folder
// already holds the capture planned.
import { basename, dirname, join, resolve } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import { isWithin } from "../base/paths.ts";
import { MAX_DOCUMENT_BYTES, maxSeriesBytes, readFileInside } from "../base/safe_read.ts";
import { listFiles } from "../base/tree.ts";
import { CAPTURE_MANIFEST_FILE } from "./manifest.ts";
import type { TelemetryManifest } from "./types.ts";

/**
 * Check a capture folder before writing. It must not overlap the run folder (writing inside
 * the run would change it; replacing a folder that holds the run would delete it), and an
 * existing folder is replaced only when asked and only when it is itself a capture.
 * @param runDir the run folder
 * @param outputDir the capture folder
 * @param overwrite whether an existing capture may be replaced
 * @returns true when a capture is there and `overwrite` is off: the caller keeps it only if it
 *   holds the same capture
 */
export function checkOutput(runDir: string, outputDir: string, overwrite: boolean): boolean {
  // The checks look at a few paths, with synchronous calls: through the event loop each costs
  // several times more (a fifth of a millisecond, more for a path that is not there), and a
  // capture makes a dozen of them before it writes anything.
  const run = realPathOrSelf(runDir);
  const out = realPathOrSelf(outputDir);
  if (isWithin(run, out)) {
    throw new FlowTimeError(
      "capture_invalid",
      `capture folder ${outputDir} is inside the run folder ${runDir}; choose a folder outside the run (the default is <data>/telemetry/<runId>)`,
    );
  }
  if (isWithin(out, run)) {
    throw new FlowTimeError(
      "capture_invalid",
      `capture folder ${outputDir} contains the run folder ${runDir}; writing it would replace the run, choose another folder`,
    );
  }
  // a capture there without overwrite: the caller keeps it if it holds the same capture
  if (!overwrite && holdsManifest(outputDir)) return true;
  checkReplaceable(outputDir, overwrite, "capture folder");
  return false;
}

function holdsManifest(dir: string): boolean {
  try {
    return Deno.statSync(join(dir, CAPTURE_MANIFEST_FILE)).isFile;
  } catch {
    return false;
  }
}

/**
 * Check a telemetry folder before writing it: absent or empty is fine; an existing one is
 * replaced only when asked and only when it is itself a telemetry folder (has manifest.json).
 * @param outputDir the folder
 * @param overwrite whether an existing telemetry folder may be replaced
 * @param what what the folder is, for messages
 */
export function checkReplaceable(
  outputDir: string,
  overwrite: boolean,
  what = "capture folder",
): void {
  let entries: string[];
  try {
    const info = Deno.statSync(outputDir);
    if (!info.isDirectory) {
      throw new FlowTimeError(
        "output_exists",
        `${outputDir} exists and is a file, not a folder; choose another ${what}`,
      );
    }
    entries = [];
    for (const e of Deno.readDirSync(outputDir)) entries.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw fsError(err, "reading", outputDir);
  }
  if (entries.length === 0) return;
  if (!overwrite) {
    throw new FlowTimeError(
      "output_exists",
      `${what} ${outputDir} already exists and is not empty`,
      { fix: { option: "overwrite", effect: "replace it" } },
    );
  }
  if (!entries.includes(CAPTURE_MANIFEST_FILE)) {
    throw new FlowTimeError(
      "output_exists",
      `refusing to overwrite ${outputDir}: it is not a telemetry capture (no manifest.json); choose another folder`,
    );
  }
}

/**
 * Folders above `path` that do not exist yet, deepest first: the atomic writer creates them,
 * and a failed capture removes them again.
 * @param path the capture folder
 * @returns absolute folder paths
 */
export function missingAncestors(path: string): string[] {
  const missing: string[] = [];
  for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      Deno.statSync(dir);
      break;
    } catch (err) {
      // only a folder known to be absent is ours to remove later
      if (!(err instanceof Deno.errors.NotFound)) break;
      missing.push(dir);
    }
  }
  return missing;
}

// The real path of a folder that may not exist yet: resolve its nearest existing ancestor.
function realPathOrSelf(path: string): string {
  const abs = resolve(path);
  let probe = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(Deno.realPathSync(probe), ...rest.reverse());
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return abs;
      rest.push(basename(probe));
      probe = parent;
    }
  }
}

/**
 * The capture already in a folder, when it is the one planned apart from its capture time:
 * the same manifest, and exactly the files it lists with the hashes it records. Reads only.
 * @param dir the capture folder
 * @param planned the manifest the capture would write
 * @returns the kept manifest and its hash, or undefined when the folder holds something else
 */
export async function sameCapture(
  dir: string,
  planned: TelemetryManifest,
): Promise<{ manifest: TelemetryManifest; manifestHash: string } | undefined> {
  const withoutTime = (m: TelemetryManifest) =>
    JSON.stringify({ ...m, provenance: { ...m.provenance, capturedAtUtc: undefined } });
  let bytes: Uint8Array;
  let manifest: TelemetryManifest;
  try {
    bytes = await readFileInside(join(dir, CAPTURE_MANIFEST_FILE), {
      root: dir,
      maxBytes: MAX_DOCUMENT_BYTES,
    });
    manifest = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (withoutTime(manifest) !== withoutTime(planned)) return undefined;
  const files = await listFiles(dir);
  const listed = [...planned.files.map((f) => f.path), CAPTURE_MANIFEST_FILE].sort();
  if (files.length !== listed.length || files.some((f, i) => f !== listed[i])) return undefined;
  for (const f of planned.files) {
    try {
      const data = await readFileInside(join(dir, f.path), {
        root: dir,
        maxBytes: maxSeriesBytes(planned.grid.bins),
      });
      if (hashOf(data) !== f.hash) return undefined;
    } catch {
      return undefined;
    }
  }
  return { manifest, manifestHash: hashOf(bytes) };
}
