// What every importer reports.
import type { TelemetryManifest } from "../telemetry/types.ts";

/** What an import wrote, or in a dry run would write. */
export interface ImportResult {
  /** True when nothing was written. */
  dryRun: boolean;
  /** The import id, recorded as `provenance.runId` (`import_<kind>_<16 hex>`). */
  importId: string;
  /** The telemetry folder (written, or that would be written). */
  outputDir: string;
  /** The manifest (written, or that would be written). */
  manifest: TelemetryManifest;
  /** `sha256:` of manifest.json's bytes. */
  manifestHash: string;
  /** Wall time in milliseconds. */
  durationMs: number;
}

/** Progress of an import, reported after each request. */
export interface ImportProgress {
  /** Requests done so far. */
  done: number;
  /** Requests in all. */
  total: number;
  /** The query just answered. */
  query: string;
}
