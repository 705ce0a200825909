// Telemetry loader: reads the series of const nodes that name a `source` CSV, resolved inside
// the model's folder. In telemetry mode problems become warnings and NaN (the run completes);
// in simulation mode they are errors.
import { relative, resolve } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { resolveInside } from "../base/paths.ts";
import { maxSeriesBytes, readTextInside } from "../base/safe_read.ts";
import { parseSeriesCsv } from "../artifacts/series_csv.ts";
import type { ConstNode, Model } from "../model/types.ts";
import { sourcePath } from "../model/sources.ts";
import { describeBins, type RunWarning } from "../base/warnings.ts";

/** Series loaded for const nodes, with what went wrong. */
export interface LoadedSources {
  /** Loaded series by node id (NaN-filled for unresolved sources in telemetry mode). */
  sources: Map<string, Float64Array>;
  /** Loader warnings: `telemetry_gap`, `telemetry_sources_unresolved`, `telemetry_series_invalid`. */
  warnings: RunWarning[];
  /** Source references that were read. */
  resolved: string[];
  /** Source references that could not be read. */
  unresolved: string[];
}

export { sourcePath };

/**
 * Const nodes whose values come from their `source`: every sourced node in telemetry mode,
 * and sourced nodes without `values` in simulation mode.
 * @param model the model
 * @returns the nodes to load
 */
export function sourcedNodes(model: Model): ConstNode[] {
  return model.nodes.filter((n): n is ConstNode =>
    n.kind === "const" && n.source !== undefined &&
    (model.mode === "telemetry" || n.values === undefined)
  );
}

/** Options for {@link loadTelemetrySources}. */
export interface LoadSourcesOptions {
  /** Folder `file:` references resolve in (they must stay inside it).
   * @default "."
   */
  modelDir?: string;
  /**
   * Files already in memory, by path relative to the model folder (e.g.
   * `telemetry/OrderService_arrivals.csv`); consulted before the disk. The bundle step uses it
   * to evaluate exactly the verified bytes it is about to write into the run.
   */
  files?: ReadonlyMap<string, string>;
  /** Read only `files`, never the disk (a source not among them is missing). */
  filesOnly?: boolean;
}

/**
 * Load the telemetry series a model refers to.
 * @param model the model
 * @param options the folder holding the model file and in-memory files
 * @returns the series and loader warnings
 */
export async function loadTelemetrySources(
  model: Model,
  options: LoadSourcesOptions = {},
): Promise<LoadedSources> {
  const modelDir = options.modelDir ?? ".";
  const bins = model.grid.bins;
  const telemetry = model.mode === "telemetry";
  const result: LoadedSources = { sources: new Map(), warnings: [], resolved: [], unresolved: [] };
  for (const node of sourcedNodes(model)) {
    const ref = node.source!;
    const path = resolveInside(modelDir, sourcePath(ref), `source of node '${node.id}'`);
    let text: string;
    try {
      const inMemory = options.files?.get(relative(resolve(modelDir), path));
      if (inMemory === undefined && options.filesOnly) throw new Deno.errors.NotFound(path);
      text = inMemory ?? await readTextInside(path, {
        root: modelDir,
        maxBytes: maxSeriesBytes(bins),
        code: "telemetry_invalid",
      });
    } catch (err) {
      // A file refused unread (a link out of the folder, a device, too large) is an error in
      // every mode; a missing or unreadable one is a gap in telemetry mode.
      if (err instanceof FlowTimeError) throw err;
      if (!telemetry) throw fsError(err, `reading source of node '${node.id}':`, path);
      const reason = err instanceof Deno.errors.NotFound
        ? "file not found"
        : `unreadable (${(err as Error).message.split(path).join(sourcePath(ref))})`;
      result.unresolved.push(ref);
      result.sources.set(node.id, new Float64Array(bins).fill(NaN));
      result.warnings.push({
        code: "telemetry_sources_unresolved",
        message: `source ${ref} of node '${node.id}': ${reason}; its series is NaN`,
        nodeId: node.id,
        severity: "warning",
      });
      continue;
    }
    let parsed;
    try {
      parsed = parseSeriesCsv(text, { file: path, bins, allowExtraRows: true });
    } catch (err) {
      if (!telemetry || !(err instanceof FlowTimeError)) throw err;
      result.unresolved.push(ref);
      result.sources.set(node.id, new Float64Array(bins).fill(NaN));
      result.warnings.push({
        code: "telemetry_series_invalid",
        // The message is stored in run.json: name the file as the model does, never by the
        // absolute path it had on this machine (bundles move, and must not depend on it).
        message: `source ${ref} of node '${node.id}' is not a valid series: ${
          err.message.split(path).join(sourcePath(ref))
        }`,
        nodeId: node.id,
        severity: "warning",
      });
      continue;
    }
    result.resolved.push(ref);
    result.sources.set(node.id, parsed.values);
    if (parsed.observedLength > bins) {
      const message = `source ${ref} of node '${node.id}' has rows up to bin ${
        parsed.observedLength - 1
      } but the grid has ${bins} bins; extra rows ignored`;
      if (!telemetry) throw new FlowTimeError("telemetry_invalid", message, { file: path });
      result.warnings.push({
        code: "telemetry_series_invalid",
        message,
        nodeId: node.id,
        severity: "warning",
      });
    }
    const gaps: number[] = [];
    for (let b = 0; b < bins; b++) if (Number.isNaN(parsed.values[b])) gaps.push(b);
    if (gaps.length > 0) {
      if (!telemetry) {
        throw new FlowTimeError(
          "telemetry_invalid",
          `no value for bins ${
            describeBins(gaps)
          }; a simulation run needs every bin (or run in telemetry mode)`,
          { file: path },
        );
      }
      result.warnings.push({
        code: "telemetry_gap",
        message: `source ${ref} of node '${node.id}' has no value for bins ${
          describeBins(gaps)
        }; they are NaN`,
        nodeId: node.id,
        bins: gaps,
        severity: "warning",
      });
    }
  }
  return result;
}
