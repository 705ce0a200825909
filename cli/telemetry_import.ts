// `flowtime telemetry import prometheus|csv`: real telemetry into a telemetry folder exactly like
// a capture's. Credentials come from the environment only (never flags, never written).
import { FlowTimeError, fsError } from "../lib/base/errors.ts";
import type { BinUnit } from "../lib/model/types.ts";
import type { ImportGrid } from "../lib/import/grid.ts";
import type { PrometheusImportResult } from "../lib/import/prometheus.ts";
import type { PrometheusCredentials } from "../lib/import/prometheus_client.ts";
import type { CsvColumns, CsvImportResult } from "../lib/import/csv.ts";
import type { ImportResult } from "../lib/import/types.ts";
import type { ImportAggregation } from "../lib/telemetry/types.ts";
import {
  type Command,
  type CommandContext,
  type FlagSpec,
  integerFlag,
  printJson,
  requireFlag,
  stringFlag,
} from "./command.ts";
import { timestampFlag } from "./_run_output.ts";

/** Environment variables holding Prometheus credentials and the default URL. */
export const PROMETHEUS_ENV = {
  url: "FLOWTIME_PROMETHEUS_URL",
  token: "FLOWTIME_PROMETHEUS_TOKEN",
  username: "FLOWTIME_PROMETHEUS_USERNAME",
  password: "FLOWTIME_PROMETHEUS_PASSWORD",
} as const;

/** Requests from which a terminal shows progress. */
const PROGRESS_MIN_REQUESTS = 50;

const GRID_FLAGS: Record<string, FlagSpec> = {
  start: { type: "string" },
  bins: { type: "string" },
  "bin-size": { type: "string" },
  "bin-unit": { type: "string" },
  output: { type: "string", path: "write" },
  "dry-run": { type: "boolean" },
  "imported-at": { type: "string" },
  overwrite: { type: "boolean" },
  json: { type: "boolean" },
};

const GRID_HELP =
  `  --start <iso>         start of bin 0, ISO 8601 UTC on a whole second (e.g. 2025-10-07T00:00:00Z)
  --bins <n>            number of bins (1..10000)
  --bin-size <n>        size of one bin (1..1000)
  --bin-unit <unit>     minutes (default), hours, days or weeks
  --output <dir>        telemetry folder (default $FLOWTIME_DATA_DIR/telemetry/<importId>)
  --dry-run             read and compute everything, print the plan, write nothing
  --imported-at <iso>   fixed import time in the manifest (also SOURCE_DATE_EPOCH); the same
                        answers then give a byte-identical folder
  --overwrite           replace an existing telemetry folder (never one without manifest.json)
  --json                print one JSON object instead of text`;

/**
 * The credentials the environment gives, if any.
 * @param ctx command context
 * @returns bearer token or user name and password, or undefined
 */
export function prometheusCredentials(ctx: CommandContext): PrometheusCredentials | undefined {
  const bearerToken = ctx.env.get(PROMETHEUS_ENV.token);
  const username = ctx.env.get(PROMETHEUS_ENV.username);
  const password = ctx.env.get(PROMETHEUS_ENV.password);
  if (bearerToken === undefined && username === undefined && password === undefined) {
    return undefined;
  }
  if (bearerToken !== undefined && (username !== undefined || password !== undefined)) {
    throw new FlowTimeError(
      "usage",
      `set either ${PROMETHEUS_ENV.token} or ${PROMETHEUS_ENV.username} and ${PROMETHEUS_ENV.password}, not both`,
    );
  }
  if (bearerToken !== undefined) return { bearerToken };
  if (username === undefined || password === undefined) {
    throw new FlowTimeError(
      "usage",
      `basic authentication needs both ${PROMETHEUS_ENV.username} and ${PROMETHEUS_ENV.password}`,
    );
  }
  return { username, password };
}

async function gridFlags(ctx: CommandContext, name: string): Promise<ImportGrid> {
  const start = requireFlag(ctx, "start", name);
  const bins = integerFlag(ctx, "bins", 1);
  const binSize = integerFlag(ctx, "bin-size", 1);
  if (bins === undefined) {
    throw new FlowTimeError("usage", `missing --bins (see 'flowtime ${name} --help')`);
  }
  if (binSize === undefined) {
    throw new FlowTimeError("usage", `missing --bin-size (see 'flowtime ${name} --help')`);
  }
  if (bins > 10000) throw new FlowTimeError("usage", `--bins must be at most 10000, got ${bins}`);
  if (binSize > 1000) {
    throw new FlowTimeError("usage", `--bin-size must be at most 1000, got ${binSize}`);
  }
  const binUnit = stringFlag(ctx, "bin-unit") ?? "minutes";
  const { MINUTES_PER_UNIT } = await import("../lib/model/types.ts");
  if (!Object.hasOwn(MINUTES_PER_UNIT, binUnit)) {
    throw new FlowTimeError(
      "usage",
      `--bin-unit must be one of ${Object.keys(MINUTES_PER_UNIT).join(", ")}, got '${binUnit}'`,
    );
  }
  return { start, bins, binSize, binUnit: binUnit as BinUnit };
}

/** `flowtime telemetry import prometheus`. */
export const telemetryImportPrometheusCommand: Command = {
  name: "telemetry import prometheus",
  summary: "import a telemetry folder from a Prometheus query API (Thanos, Mimir, ...)",
  help: `flowtime telemetry import prometheus: import telemetry from a Prometheus query API

Evaluates one PromQL query per topology node metric (the mapping file) at the end of every bin
through /api/v1/query_range (step = bin size) and writes a telemetry folder exactly like a
capture's: <Node>_<metric>.csv per entry plus manifest.json. Works against Prometheus, Thanos,
Grafana Mimir, Cortex and VictoriaMetrics. Guide: docs/operations/telemetry-import.md.

Usage:
  flowtime telemetry import prometheus --url <base> --mapping <file> --start <iso> --bins <n>
    --bin-size <n> [--bin-unit <unit>] [options]

Options:
  --url <base>          base URL of the query API (default $${PROMETHEUS_ENV.url}), e.g.
                        http://prometheus:9090 or https://mimir.example.com/prometheus
  --mapping <file>      YAML or JSON: queries: [{node, metric, query}] (schemas/prometheus-mapping.schema.json)
${GRID_HELP}
  --tenant <id>         tenant of a multi-tenant store (Mimir, Cortex): the X-Scope-OrgID header
  --timeout <seconds>   time allowed for each request (default 30)
  --max-points <n>      most points per series in one request (default 11000, Prometheus' limit);
                        longer grids are split into several requests
  --concurrency <n>     requests in flight at once (default 4)
  --ca-cert <file>      extra CA certificate (PEM) to trust for https; repeatable
  --verbose             show stack traces and every problem found

Credentials come from the environment only: $${PROMETHEUS_ENV.token} (bearer token), or
$${PROMETHEUS_ENV.username} and $${PROMETHEUS_ENV.password} (basic authentication). They are
sent in headers and never written anywhere; the manifest records the URL without them.

Network: the flowtime task has none. Run for example
  deno run --allow-read=. --allow-write=./data --allow-net=prometheus:9090 \\
    --allow-env=FLOWTIME_DATA_DIR,SOURCE_DATE_EPOCH,${PROMETHEUS_ENV.token} cli.ts telemetry import prometheus ...
(deno task flowtime:remote reaches 127.0.0.1 and localhost.)

Exit codes: 0 ok; 1 unreachable server, a refused or failing query, a query returning several
series or strings, a bad mapping, an existing output; 2 usage.

Examples:
  flowtime telemetry import prometheus --url http://127.0.0.1:9090 \\
    --mapping fixtures/imports/order-system.mapping.yaml \\
    --start 2025-10-07T00:00:00Z --bins 288 --bin-size 5 --bin-unit minutes
`,
  flags: {
    url: { type: "string" },
    mapping: { type: "string", path: "read" },
    tenant: { type: "string" },
    timeout: { type: "string" },
    "max-points": { type: "string" },
    concurrency: { type: "string" },
    "ca-cert": { type: "string", multiple: true, path: "read" },
    ...GRID_FLAGS,
  },
  async run(ctx) {
    const name = "telemetry import prometheus";
    const url = stringFlag(ctx, "url") ?? ctx.env.get(PROMETHEUS_ENV.url);
    if (url === undefined) {
      throw new FlowTimeError(
        "usage",
        `missing --url (or set ${PROMETHEUS_ENV.url}) (see 'flowtime ${name} --help')`,
      );
    }
    const mappingPath = requireFlag(ctx, "mapping", name);
    const grid = await gridFlags(ctx, name);
    const importedAt = timestampFlag(ctx, "imported-at");
    const timeout = integerFlag(ctx, "timeout", 1);
    const caCertificates: string[] = [];
    for (const path of (ctx.flags["ca-cert"] as string[] | undefined) ?? []) {
      try {
        caCertificates.push(await Deno.readTextFile(path));
      } catch (err) {
        throw fsError(err, "reading CA certificate", path);
      }
    }
    const { loadPrometheusMapping } = await import("../lib/import/mapping.ts");
    const { importPrometheus } = await import("../lib/import/prometheus.ts");
    const mapping = await loadPrometheusMapping(mappingPath);
    const result = await importPrometheus({
      url,
      mapping,
      grid,
      outputDir: stringFlag(ctx, "output"),
      dataDir: ctx.env.dataDir,
      dryRun: ctx.flags["dry-run"] === true,
      overwrite: ctx.flags.overwrite === true,
      importedAt,
      credentials: prometheusCredentials(ctx),
      tenant: stringFlag(ctx, "tenant"),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      maxPointsPerRequest: integerFlag(ctx, "max-points", 1),
      concurrency: integerFlag(ctx, "concurrency", 1),
      caCertificates,
      onProgress: ctx.interactive && !ctx.flags.json ? progressPrinter(ctx) : undefined,
    });
    report(ctx, result, `Prometheus at ${result.manifest.provenance.source?.url}`, {
      requests: result.requests,
      sourceWarnings: result.sourceWarnings,
    });
    for (const w of result.sourceWarnings) ctx.err(`note: the server warned: ${w}`);
    return 0;
  },
};

/** `flowtime telemetry import csv`. */
export const telemetryImportCsvCommand: Command = {
  name: "telemetry import csv",
  summary: "import a telemetry folder from a long-format CSV export (ADX, Grafana, ...)",
  help: `flowtime telemetry import csv: import telemetry from a long-format CSV export

Reads rows of timestamp, node, metric and value (one observation per row, any order), puts each
row in the bin whose [start, end) holds its time, and combines the rows of a bin with the
metric's aggregation. Writes a telemetry folder exactly like a capture's.

Usage:
  flowtime telemetry import csv --file <csv> --aggregations <metric=agg,...> --start <iso>
    --bins <n> --bin-size <n> [--bin-unit <unit>] [options]

Options:
  --file <csv>          the CSV file (header row first; quoted fields allowed)
  --aggregations <list> how the rows of a bin combine, per metric: sum, mean, last or max, e.g.
                        arrivals=sum,served=sum,errors=sum,queueDepth=max; every metric in the
                        file needs one
  --columns <list>      column names where they differ, e.g. timestamp=Timestamp,node=Service
                        (defaults timestamp, node, metric, value; matched case-insensitively)
  --delimiter <c>       field separator (default ',')
${GRID_HELP}

Times: ISO 8601 with a zone (2025-10-07T00:05:00Z, 2025-10-07 02:05:00+02:00) or Unix seconds
or milliseconds. Metrics: arrivals, served, errors, externalDemand, queueDepth, capacity
(case-insensitive, '_' and '-' ignored). Empty and NaN values are skipped; a bin with no rows is
a data_gap warning, one whose rows are all empty a nan_fill. Rows outside the grid are counted
and left out.

Examples:
  flowtime telemetry import csv --file fixtures/imports/orders-export.csv \\
    --aggregations arrivals=sum,served=sum,queueDepth=max \\
    --start 2025-10-07T00:00:00Z --bins 6 --bin-size 5 --dry-run
`,
  flags: {
    file: { type: "string", path: "read" },
    aggregations: { type: "string" },
    columns: { type: "string" },
    delimiter: { type: "string" },
    ...GRID_FLAGS,
  },
  async run(ctx) {
    const name = "telemetry import csv";
    const file = requireFlag(ctx, "file", name);
    const aggregations = pairs(requireFlag(ctx, "aggregations", name), "aggregations") as Record<
      string,
      ImportAggregation
    >;
    const columnsText = stringFlag(ctx, "columns");
    const columns = columnsText === undefined ? undefined : pairs(columnsText, "columns");
    for (const key of Object.keys(columns ?? {})) {
      if (!["timestamp", "node", "metric", "value"].includes(key)) {
        throw new FlowTimeError(
          "usage",
          `--columns: '${key}' is not a column role; use timestamp, node, metric, value`,
        );
      }
    }
    const { importCsv } = await import("../lib/import/csv.ts");
    const result = await importCsv({
      file,
      grid: await gridFlags(ctx, name),
      aggregations,
      columns: columns as CsvColumns | undefined,
      delimiter: stringFlag(ctx, "delimiter"),
      outputDir: stringFlag(ctx, "output"),
      dataDir: ctx.env.dataDir,
      dryRun: ctx.flags["dry-run"] === true,
      overwrite: ctx.flags.overwrite === true,
      importedAt: timestampFlag(ctx, "imported-at"),
    });
    report(ctx, result, file, { rows: result.rows, rowsOutsideGrid: result.rowsOutsideGrid });
    if (result.rowsOutsideGrid > 0 && !ctx.flags.json) {
      ctx.err(
        `note: ${result.rowsOutsideGrid} of ${result.rows} row(s) lie outside the grid and were left out`,
      );
    }
    return 0;
  },
};

function pairs(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    if (at <= 0 || at === part.length - 1) {
      throw new FlowTimeError("usage", `--${flag}: '${part}' is not name=value`);
    }
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

function report(
  ctx: CommandContext,
  result: ImportResult | PrometheusImportResult | CsvImportResult,
  from: string,
  extra: Record<string, unknown>,
): void {
  const m = result.manifest;
  if (ctx.flags.json) {
    printJson(ctx, {
      dryRun: result.dryRun,
      importId: result.importId,
      outputDir: result.outputDir,
      files: m.files,
      warnings: m.warnings,
      checksum: m.checksum,
      manifestHash: result.manifestHash,
      ...extra,
      ...(result.dryRun ? { manifest: m } : {}),
    });
    return;
  }
  const g = m.grid;
  if (result.dryRun) {
    ctx.out(`dry run: import from ${from} into ${result.outputDir} (nothing written)`);
    const width = Math.max(...m.files.map((f) => f.path.length));
    for (const f of m.files) {
      ctx.out(`  ${f.path.padEnd(width)}  ${f.nodeId} ${f.metric} (${f.points} points)`);
    }
  } else {
    ctx.out(`imported ${m.files.length} file(s) from ${from} into ${result.outputDir}`);
  }
  ctx.out(
    `  import ${result.importId}: ${g.bins} bins of ${g.binSize} ${g.binUnit} from ${m.window.startTimeUtc}, ${m.warnings.length} warning(s), checksum ${m.checksum}`,
  );
  for (const w of m.warnings) {
    if (result.dryRun) ctx.out(`  would warn: ${w.code}: ${w.message}`);
    else ctx.err(`warning: ${w.code}: ${w.message}`);
  }
}

function progressPrinter(ctx: CommandContext) {
  let shown = 0;
  return ({ done, total }: { done: number; total: number }) => {
    if (total < PROGRESS_MIN_REQUESTS) return;
    const tenth = Math.floor((done * 10) / total);
    if (tenth > shown) {
      shown = tenth;
      ctx.err(`importing: ${done}/${total} requests (${tenth * 10}%)`);
    }
  };
}
