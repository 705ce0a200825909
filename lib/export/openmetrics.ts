// OpenMetrics export of a run: every topology node metric as one gauge family per metric
// (`flowtime_<metric>`), labels `node` and `run_id`, one sample per bin at the bin's end, NaN
// bins left out, `# EOF` last. `promtool tsdb create-blocks-from openmetrics` backfills it.
import { dirname } from "node:path";
import { FlowTimeError, fsError } from "../base/errors.ts";
import { TEMP_PREFIX } from "../base/atomic.ts";
import { parseUtc } from "../base/clock.ts";
import { randomHexId } from "../base/atomic.ts";
import { readRunBundle, type RunBundle } from "../artifacts/reader.ts";
import { MINUTES_PER_UNIT, SEMANTIC_METRICS } from "../model/types.ts";
import { type CaptureBinding, captureBindings } from "../telemetry/bindings.ts";

/** Media type of OpenMetrics text. */
export const OPENMETRICS_CONTENT_TYPE =
  "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Options for {@link openMetricsOfRun}. */
export interface OpenMetricsOptions {
  /** Start of bin 0 (ISO UTC); replaces the run's grid start, and is needed when it has none. */
  start?: string;
}

/** What an export holds. */
export interface OpenMetricsSummary {
  /** The run exported. */
  runId: string;
  /** Metric families, e.g. `flowtime_arrivals`, in output order. */
  families: string[];
  /** Series (node metrics) exported. */
  series: number;
  /** Samples written (bins with a number). */
  samples: number;
  /** NaN bins left out. */
  omitted: number;
}

/** An export ready to stream: the run is read and checked, the text is produced on demand. */
export interface OpenMetricsExport {
  /** Counts; `samples` and `omitted` are complete once `chunks` is exhausted. */
  summary: OpenMetricsSummary;
  /** The text in chunks of whole lines, ending with `# EOF\n`. */
  chunks: AsyncGenerator<string>;
}

/**
 * Export every topology node metric of a run as OpenMetrics text. The run is opened and checked,
 * and every series read once, before anything is produced, so errors come before the first
 * chunk; a run of at most 250,000 values is kept from that read, a larger one read again a series
 * at a time while the text is produced, so memory stays flat.
 * @param run the run folder, or a bundle already open (the server and the CLI open a run of the
 *   data folder with `withRun`, which opens it again when it was replaced during that first read)
 * @param options the start of bin 0 when the run has none (or to move the run in time)
 * @returns the summary and the text chunks
 * @throws FlowTimeError `run_not_found`, `bundle_invalid`, `capture_invalid` (nothing to
 *   export), `usage` (no start)
 */
export async function openMetricsOfRun(
  run: string | RunBundle,
  options: OpenMetricsOptions = {},
): Promise<OpenMetricsExport> {
  const bundle = typeof run === "string" ? await readRunBundle(run) : run;
  const grid = bundle.runJson.grid;
  const startText = options.start ?? grid.start;
  if (startText === undefined) {
    throw new FlowTimeError(
      "usage",
      `run ${bundle.runId} has no grid start, so its bins have no times`,
      { fix: { option: "start", effect: "give the time of bin 0" } },
    );
  }
  const startMs = parseUtc(startText, "start").getTime();
  const binMs = grid.binSize * MINUTES_PER_UNIT[grid.binUnit] * 60_000;
  const { bindings } = captureBindings(bundle);
  // Every series is read once before the first byte (and again, one at a time, while the text
  // is produced), so a file that is refused (a link out, a device, a pipe, too large, not a
  // series) is an error with its status, not a 200 cut off half-way.
  // A run of at most KEPT_VALUES values is kept whole from that read, so that its text is made
  // from it alone: a replacement of the run while the answer is being sent cannot cut it off.
  // A larger run is kept not at all (never half, which would mix two copies) and read again
  // series by series, for memory that stays flat.
  let kept: Map<string, Float64Array> | undefined = new Map();
  let keptValues = 0;
  for (const binding of bindings) {
    const values = await bundle.readSeries(binding.sourceSeries);
    keptValues += values.length;
    if (keptValues > KEPT_VALUES) kept = undefined;
    kept?.set(binding.sourceSeries, values);
  }
  const families = SEMANTIC_METRICS.filter((m) => bindings.some((b) => b.semantic === m));
  const summary: OpenMetricsSummary = {
    runId: bundle.runId,
    families: families.map((m) => familyName(m)),
    series: bindings.length,
    samples: 0,
    omitted: 0,
  };
  return {
    summary,
    chunks: produce(bundle, bindings, kept ?? new Map(), { startMs, binMs, summary }),
  };
}

/**
 * Write a run's OpenMetrics export to a file, atomically (a temp file renamed into place).
 * @param run the run folder, or a bundle already open (e.g. by `withRun`, which writes the file
 *   again from the run's new copy when the run was replaced while it was read)
 * @param options output file, start and overwrite policy
 * @returns the summary
 * @throws FlowTimeError as {@link openMetricsOfRun}, `output_exists`, IO codes
 */
export async function writeOpenMetrics(
  run: string | RunBundle,
  options: OpenMetricsOptions & {
    /** The file to write. */
    output: string;
    /** Replace an existing file.
     * @default false
     */
    overwrite?: boolean;
  },
): Promise<OpenMetricsSummary> {
  const exported = await openMetricsOfRun(run, options);
  try {
    const info = await Deno.stat(options.output);
    if (info.isDirectory) {
      throw new FlowTimeError("output_exists", `${options.output} is a folder; give a file name`);
    }
    if (!options.overwrite) {
      throw new FlowTimeError("output_exists", `${options.output} already exists`, {
        fix: { option: "overwrite", effect: "replace it" },
      });
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw fsError(err, "reading", options.output);
  }
  const dir = dirname(options.output);
  const temp = `${dir}/${TEMP_PREFIX}openmetrics-${randomHexId(6)}`;
  const encoder = new TextEncoder();
  try {
    await Deno.mkdir(dir, { recursive: true });
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      for await (const chunk of exported.chunks) {
        const bytes = encoder.encode(chunk);
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
      }
    } finally {
      file.close();
    }
    await Deno.rename(temp, options.output);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw fsError(err, "writing", options.output);
  }
  return exported.summary;
}

/**
 * The metric family name of a semantic metric: `flowtime_<metric lower-cased>`, the same
 * lower-case name as the capture file's.
 * @param semantic e.g. `queueDepth`
 * @returns e.g. `flowtime_queuedepth`
 */
export function familyName(semantic: string): string {
  return `flowtime_${semantic.toLowerCase()}`;
}

const CHUNK_CHARS = 64 * 1024;

// Values kept from the first read of a run's series: 2 MB as doubles, per request (a flood of
// concurrent requests for a large run must not hold a copy of it each).
const KEPT_VALUES = 250_000;

async function* produce(
  bundle: RunBundle,
  bindings: CaptureBinding[],
  kept: ReadonlyMap<string, Float64Array>,
  at: { startMs: number; binMs: number; summary: OpenMetricsSummary },
): AsyncGenerator<string> {
  const runLabel = escapeLabel(bundle.runId);
  let out = "";
  for (const semantic of SEMANTIC_METRICS) {
    const members = bindings.filter((b) => b.semantic === semantic);
    if (members.length === 0) continue;
    const family = familyName(semantic);
    out +=
      `# TYPE ${family} gauge\n# HELP ${family} FlowTime ${semantic} of each topology node per bin, sampled at the bin's end\n`;
    for (const binding of members) {
      const values = kept.get(binding.sourceSeries) ??
        await bundle.readSeries(binding.sourceSeries);
      const prefix = `${family}{node="${escapeLabel(binding.nodeId)}",run_id="${runLabel}"} `;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (Number.isNaN(v)) {
          at.summary.omitted++;
          continue;
        }
        out += `${prefix}${sampleText(v)} ${timestampText(at.startMs + (i + 1) * at.binMs)}\n`;
        at.summary.samples++;
        if (out.length >= CHUNK_CHARS) {
          yield out;
          out = "";
        }
      }
    }
  }
  yield `${out}# EOF\n`;
}

function sampleText(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

// Unix seconds, with a fraction only when the time has one.
function timestampText(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
