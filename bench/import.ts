// Import benchmark: 200 node metrics x 2,016 bins (a week of 5-minute bins) from a real
// Prometheus (Debian's package), wall time and peak memory of `importPrometheus`, beside the time
// Prometheus itself takes to answer the same 200 range queries (same concurrency, body read,
// nothing parsed). The data is a synthetic run exported as OpenMetrics and backfilled with
// promtool, so the import's answers are known to be the run's values.
//
// Each import runs in its own subprocess, timed around the library call, reporting its peak
// resident set (VmHWM).
// Run: deno task bench bench/import.ts   (BENCH_KEEP=1 keeps the temp folder)
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticModel } from "../scripts/synthetic_model.ts";
import { runModelFile } from "../lib/workflow/run_model.ts";
import { writeOpenMetrics } from "../lib/export/openmetrics.ts";
import { captureRun } from "../lib/telemetry/capture.ts";
import { importPrometheus } from "../lib/import/prometheus.ts";
import { loadPrometheusMapping } from "../lib/import/mapping.ts";
import { caseArgs, peakRssMb, table } from "./_harness.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SELF = fileURLToPath(import.meta.url);
const TIME = "2025-10-07T00:00:00Z";
const BINS = 2016;
const GROUPS = 40; // 40 topology nodes x 5 metrics = 200 node metrics
const REPEATS = 5;
const CONCURRENCY = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function importCase(args: string[]): Promise<void> {
  const [url, mappingFile, outputDir] = args;
  const mapping = await loadPrometheusMapping(mappingFile);
  const started = performance.now();
  const result = await importPrometheus({
    url,
    mapping,
    grid: { start: TIME, bins: BINS, binSize: 5, binUnit: "minutes" },
    outputDir,
    overwrite: true,
    importedAt: TIME,
    concurrency: CONCURRENCY,
  });
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({ ms, peakRssMb: await peakRssMb(), checksum: result.manifest.checksum }),
  );
}

async function runImportCase(
  args: string[],
): Promise<{ ms: number; peakRssMb: number; checksum: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--allow-read=${ROOT},/proc/self/status`,
      `--allow-write=${join(ROOT, ".tmp")}`,
      "--allow-net=127.0.0.1",
      SELF,
      "--case",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`import case failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

// The same range queries, answered by Prometheus, each body read and dropped.
async function prometheusAlone(url: string, queries: string[]): Promise<number> {
  const start = Date.parse(TIME) / 1000;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const query = queries[next++];
      const res = await fetch(`${url}/api/v1/query_range`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          query,
          start: String(start + 300),
          end: String(start + BINS * 300),
          step: "300",
        }),
      });
      await res.text();
      if (!res.ok) throw new Error(`prometheus answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { startPrometheus, PROMETHEUS_MISSING } = await import("../tests/import/_prometheus.ts");
  if (PROMETHEUS_MISSING) {
    console.log(`skipped: ${PROMETHEUS_MISSING}`);
    return;
  }
  await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
  const dir = await Deno.makeTempDir({ dir: join(ROOT, ".tmp"), prefix: "bench-import-" });
  const rows: string[][] = [["step", "wall time", "peak RSS", "notes"]];
  try {
    await Deno.writeTextFile(join(dir, "model.yaml"), syntheticModel(GROUPS * 6 + 1, BINS));
    const run = await runModelFile(join(dir, "model.yaml"), {
      runsDir: join(dir, "runs"),
      deterministic: true,
      createdAt: TIME,
    });
    const capture = await captureRun({ runDir: run.runDir, dryRun: true, capturedAt: TIME });
    const files = capture.manifest.files;
    const om = join(dir, "run.om");
    let t = performance.now();
    const summary = await writeOpenMetrics(run.runDir, { output: om });
    rows.push([
      "export openmetrics",
      `${(performance.now() - t).toFixed(0)} ms`,
      "",
      `${summary.series} series, ${summary.samples} samples, ${
        ((await Deno.stat(om)).size / 1e6).toFixed(1)
      } MB`,
    ]);
    t = performance.now();
    const prom = await startPrometheus({ backfill: [om] });
    rows.push(["promtool backfill + start", `${(performance.now() - t).toFixed(0)} ms`, "", ""]);
    try {
      const queries = files.map((f) =>
        `flowtime_${f.metric.toLowerCase()}{node="${f.nodeId}",run_id="${run.runId}"}`
      );
      const mappingFile = join(dir, "mapping.json");
      await Deno.writeTextFile(
        mappingFile,
        JSON.stringify({
          queries: files.map((f, i) => ({ node: f.nodeId, metric: f.metric, query: queries[i] })),
        }),
      );
      await prometheusAlone(prom.url, queries); // warm Prometheus' caches once
      const alone: number[] = [];
      const imports: Array<{ ms: number; peakRssMb: number; checksum: string }> = [];
      for (let i = 0; i < REPEATS; i++) {
        alone.push(await prometheusAlone(prom.url, queries));
        imports.push(await runImportCase([prom.url, mappingFile, join(dir, "imported")]));
      }
      if (imports.some((r) => r.checksum !== capture.manifest.checksum)) {
        throw new Error("the import differs from the run's capture");
      }
      const importMs = median(imports.map((r) => r.ms));
      const aloneMs = median(alone);
      rows.push([
        `import ${files.length} node metrics x ${BINS} bins`,
        `${importMs.toFixed(0)} ms`,
        `${Math.max(...imports.map((r) => r.peakRssMb)).toFixed(0)} MB`,
        `median of ${REPEATS}, ${files.length} requests, ${CONCURRENCY} in flight; equals the capture`,
      ]);
      rows.push([
        "Prometheus answering the same queries",
        `${aloneMs.toFixed(0)} ms`,
        "",
        `median of ${REPEATS}; the import's own share ${(importMs - aloneMs).toFixed(0)} ms`,
      ]);
    } finally {
      await prom.stop();
    }
  } finally {
    if (Deno.env.get("BENCH_KEEP") !== "1") await Deno.remove(dir, { recursive: true });
  }
  console.log(table(rows));
}

const args = caseArgs();
if (args) await importCase(args);
else await main();
