// What the importers share: the import id and hashes recorded in place of a source run, the
// provenance block, the warnings for missing and NaN bins, and the default output folder.
import { join } from "node:path";
import { hashOf } from "../base/hash.ts";
import { canonicalJson } from "../base/json.ts";
import { describeBins } from "../base/warnings.ts";
import { TOOLKIT_VERSION } from "../base/version.ts";
import type {
  CaptureMetric,
  CaptureWarning,
  TelemetryImportSource,
  TelemetryManifestProvenance,
} from "../telemetry/types.ts";
import type { ImportGrid } from "./grid.ts";

/**
 * The provenance of an import. No run produced the data, so `runId` holds the import id
 * (`import_<kind>_<16 hex>`, derived from the source description and the grid) and
 * `scenarioHash`/`modelHash` hash the request and the source's series definitions: the fields
 * stay what every reader of a capture manifest expects, and `source` says where the data came
 * from.
 * @param source the source description (never credentials)
 * @param grid the import grid
 * @returns the provenance block and the import id
 */
export function importProvenance(
  source: TelemetryImportSource,
  grid: ImportGrid,
): { provenance: TelemetryManifestProvenance; importId: string } {
  const { importedAtUtc, ...what } = source;
  const scenarioHash = hashOf(canonicalJson({ ...what, grid }));
  const modelHash = hashOf(
    canonicalJson(what.queries ?? { columns: what.columns, aggregations: what.aggregations }),
  );
  const importId = `import_${source.kind}_${scenarioHash.slice("sha256:".length, 23)}`;
  return {
    importId,
    provenance: {
      runId: importId,
      scenarioHash,
      modelHash,
      captureVersion: TOOLKIT_VERSION,
      capturedAtUtc: importedAtUtc,
      source,
    },
  };
}

/**
 * The default folder of an import: `<dataDir>/telemetry/<importId>`.
 * @param importId the import id
 * @param dataDir data folder
 * @returns the folder path
 */
export function defaultImportDir(importId: string, dataDir = "./data"): string {
  return join(dataDir, "telemetry", importId);
}

/** Bins of one imported series that need a warning. */
export interface SeriesGaps {
  /** Bins with no value at all (rows left out). */
  missing: number[];
  /** Bins whose value was NaN (empty cells). */
  nan: number[];
  /** Bins whose value was ±Infinity (written as they are). */
  infinite: number[];
}

/**
 * The warnings of one imported series, in capture order: `data_gap`, `nan_fill`,
 * `nan_detected`.
 * @param target node and metric
 * @param gaps the bins and why each group is missing
 * @returns the warnings
 */
export function importWarnings(
  target: { nodeId: string; metric: CaptureMetric },
  gaps: SeriesGaps & { why: { missing: string; nan: string } },
): CaptureWarning[] {
  const { nodeId, metric } = target;
  const where = `${nodeId} ${metric}`;
  const out: CaptureWarning[] = [];
  const add = (code: CaptureWarning["code"], bins: number[], message: string) => {
    if (bins.length > 0) {
      out.push({ code, message, nodeId, metric, bins, severity: "warning" });
    }
  };
  add(
    "data_gap",
    gaps.missing,
    `${where}: no data for bins ${describeBins(gaps.missing)} (${gaps.why.missing})`,
  );
  add(
    "nan_fill",
    gaps.nan,
    `${where}: NaN for bins ${describeBins(gaps.nan)} (${gaps.why.nan}); written as empty cells`,
  );
  add(
    "nan_detected",
    gaps.infinite,
    `${where}: infinite values at bins ${describeBins(gaps.infinite)}; written as they are`,
  );
  return out;
}
