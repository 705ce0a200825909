// Capture benchmarks (issue 5). NFR1: 50 nodes x 288 bins x 5 metrics, capture median wall time
// beside the engine's run time for the same model, with peak memory. Scale: 1,000 nodes x 8,640
// bins x 5 metrics, peak memory and values/s beside `cat | sha256sum` of the same bytes.
//
// Every measurement runs in its own subprocess, timed around the library call and reporting the
// process's peak resident set (VmHWM), so one run cannot inherit another's heap.
// Run: deno task bench bench/capture.ts   (FLOWTIME_BENCH_SCALE=0 skips the scale part)
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runModelFile } from "../lib/workflow/run_model.ts";
import { captureRun } from "../lib/telemetry/capture.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SELF = fileURLToPath(import.meta.url);
const TIME = "2025-10-07T00:00:00Z";
const REPEATS = 11;

interface Measurement {
  ms: number;
  peakRssMb: number;
  liveHeapMb?: number;
}

/** A model with `n` topology nodes of 5 metrics each (arrivals, served, errors, queueDepth, capacity). */
function benchModel(n: number, bins: number, constArrivals: boolean): string {
  const lines = [
    "schemaVersion: 1",
    `grid: { bins: ${bins}, binSize: 5, binUnit: minutes, start: "${TIME}" }`,
    "nodes:",
  ];
  for (let i = 0; i < n; i++) {
    if (constArrivals) {
      const values = Array.from(
        { length: bins },
        (_, t) => 100 + ((i * 31 + t * 17) % 41) + (t % 7 === 0 ? 0.5 : 0),
      );
      lines.push(`  - { id: a${i}, kind: const, values: [${values.join(", ")}] }`);
    } else {
      lines.push(
        `  - { id: a${i}, kind: expr, expr: "100 + 15 * PULSE(24, ${i % 24}) + 7 * PULSE(7, ${
          i % 7
        }) + 0.5 * PULSE(3, ${i % 3})" }`,
      );
    }
    lines.push(
      `  - { id: c${i}, kind: pmf, pmf: { values: [100, 130], probabilities: [0.25, 0.75] } }`,
      `  - { id: s${i}, kind: expr, expr: "MIN(a${i}, c${i})" }`,
      `  - { id: e${i}, kind: expr, expr: "ROUND(s${i} * 0.02)" }`,
      `  - { id: q${i}, kind: serviceWithBuffer, inflow: a${i}, outflow: s${i}, loss: e${i} }`,
    );
  }
  lines.push("topology:", "  nodes:");
  for (let i = 0; i < n; i++) {
    lines.push(
      `    - { id: Node${i}, kind: queue, semantics: { arrivals: a${i}, served: s${i}, errors: e${i}, queueDepth: q${i}, capacity: c${i} } }`,
    );
  }
  lines.push("  edges: []");
  return lines.join("\n") + "\n";
}

async function peakRssMb(): Promise<number> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // not Linux: fall back to the current resident set
  }
  return Deno.memoryUsage().rss / (1024 * 1024);
}

async function worker(args: string[]): Promise<void> {
  const [kind, a, b] = args;
  const started = performance.now();
  if (kind === "engine") {
    await runModelFile(a, { runsDir: b, deterministic: true, createdAt: TIME });
  } else if (kind === "capture") {
    await captureRun({ runDir: a, outputDir: b, capturedAt: TIME });
  } else {
    // live data: a full collection every 500 files, keeping the largest heap that survives it
    const gc = (globalThis as unknown as { gc: () => void }).gc;
    let liveHeapMb = 0;
    await captureRun({
      runDir: a,
      outputDir: b,
      capturedAt: TIME,
      onProgress: ({ done, total }) => {
        if (done % 500 !== 0 && done !== total) return;
        gc();
        liveHeapMb = Math.max(liveHeapMb, Deno.memoryUsage().heapUsed / (1024 * 1024));
      },
    });
    console.log(
      JSON.stringify({ ms: performance.now() - started, peakRssMb: await peakRssMb(), liveHeapMb }),
    );
    return;
  }
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, peakRssMb: await peakRssMb() }));
}

// Each measurement writes a folder of its own and nothing is deleted until the end: on this
// kind of disk (ext4 mounted with discard) deleting files stalls later writes for a while.
async function measure(
  kind: "engine" | "capture" | "capture-live",
  a: string,
  b: string,
): Promise<Measurement> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--allow-read=${ROOT},/proc/self/status`,
      `--allow-write=${join(ROOT, ".tmp")}`,
      "--allow-env",
      ...(kind === "capture-live" ? ["--v8-flags=--expose-gc"] : []),
      SELF,
      "--worker",
      kind,
      a,
      b,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (out.code !== 0) {
    throw new Error(`${kind} worker failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(text.split("\n").at(-1)!) as Measurement;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Engine and capture runs alternate so that background load hits both alike.
async function alternating(model: string, runDir: string, work: string, n: number) {
  const engine: Measurement[] = [];
  const capture: Measurement[] = [];
  for (let i = 0; i < n; i++) {
    engine.push(await measure("engine", model, join(work, `engine-${i}`)));
    capture.push(await measure("capture", runDir, join(work, `capture-${i}`)));
  }
  const summary = (xs: Measurement[]) => ({
    ms: median(xs.map((r) => r.ms)),
    peakRssMb: Math.max(...xs.map((r) => r.peakRssMb)),
  });
  return { engine: summary(engine), capture: summary(capture) };
}

async function nfr1(base: string, constArrivals: boolean): Promise<void> {
  const work = join(base, constArrivals ? "nfr1-const" : "nfr1-expr");
  await Deno.mkdir(work, { recursive: true });
  const label = constArrivals ? "const arrivals (like the FlowTime fixtures)" : "expression-only";
  const model = join(work, `nfr1-${constArrivals ? "const" : "expr"}.yaml`);
  await Deno.writeTextFile(model, benchModel(50, 288, constArrivals));
  const runsDir = join(work, "runs");
  const written = await runModelFile(model, {
    runsDir,
    deterministic: true,
    createdAt: TIME,
    overwrite: true,
  });
  const { engine, capture } = await alternating(model, written.runDir, work, REPEATS);
  const files = (await captureRun({
    runDir: written.runDir,
    dryRun: true,
    capturedAt: TIME,
    outputDir: join(work, "x"),
  }))
    .manifest.files.length;
  console.log(
    `NFR1 50 nodes x 288 bins x 5 metrics, ${label}: ${files} files, median of ${REPEATS} subprocess runs`,
  );
  console.log(
    `  engine run : ${engine.ms.toFixed(1)} ms, peak RSS ${engine.peakRssMb.toFixed(1)} MB`,
  );
  console.log(
    `  capture    : ${capture.ms.toFixed(1)} ms, peak RSS ${capture.peakRssMb.toFixed(1)} MB`,
  );
  console.log(
    `  capture/engine time ratio ${(capture.ms / engine.ms).toFixed(2)}; capture peak memory ${
      (capture.peakRssMb / 250 * 100).toFixed(0)
    }% of the 250 MB budget`,
  );
}

async function catSha256Ms(seriesDir: string): Promise<number> {
  const c0 = performance.now();
  const cat = await new Deno.Command("sh", {
    args: ["-c", "cat -- *.csv | sha256sum"],
    cwd: seriesDir,
    stdout: "piped",
  }).output();
  if (cat.code !== 0) throw new Error("cat | sha256sum failed");
  return performance.now() - c0;
}

// 300 nodes x 2,016 bins (a week of 5-minute bins): capture beside cat | sha256sum of the run's
// series, interleaved, median of the per-pair ratios.
async function week(work: string): Promise<void> {
  const nodes = 300, bins = 2016, n = 5;
  const model = join(work, "week.yaml");
  await Deno.writeTextFile(model, benchModel(nodes, bins, false));
  const written = await runModelFile(model, {
    runsDir: join(work, "runs"),
    deterministic: true,
    createdAt: TIME,
    overwrite: true,
  });
  const seriesDir = join(written.runDir, "series");
  const captures: Measurement[] = [];
  const cats: number[] = [];
  for (let i = 0; i < n; i++) {
    cats.push(await catSha256Ms(seriesDir));
    captures.push(await measure("capture", written.runDir, join(work, `week-capture-${i}`)));
  }
  const ratio = median(captures.map((c, i) => c.ms / cats[i]));
  console.log(`capture ${nodes} nodes x ${bins} bins x 5 metrics, median of ${n} interleaved:`);
  console.log(
    `  capture ${median(captures.map((c) => c.ms)).toFixed(0)} ms, cat | sha256sum ${
      median(cats).toFixed(0)
    } ms: ${ratio.toFixed(2)}x; peak RSS ${
      Math.max(...captures.map((c) => c.peakRssMb)).toFixed(1)
    } MB`,
  );
}

// The project's bench scale, both ways: the expression-only model (a small model text), and
// arrivals as values lists (a 50 MB model text, which the capture must not hold).
async function scale(work: string, constArrivals: boolean): Promise<void> {
  const nodes = 1000, bins = 8640;
  const label = constArrivals ? "values lists" : "expression-only";
  const model = join(work, `scale-${constArrivals ? "const" : "expr"}.yaml`);
  await Deno.writeTextFile(model, benchModel(nodes, bins, constArrivals));
  const runsDir = join(work, `runs-${constArrivals ? "const" : "expr"}`);
  const modelMb = (await Deno.stat(model)).size / 1e6;
  console.log(
    `scale ${nodes} nodes x ${bins} bins x 5 metrics, ${label} (model ${
      modelMb.toFixed(1)
    } MB): running the engine once to make the run...`,
  );
  const t0 = performance.now();
  const written = await runModelFile(model, {
    runsDir,
    deterministic: true,
    createdAt: TIME,
    overwrite: true,
  });
  console.log(`  (engine wrote the run in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const values = nodes * 5 * bins;
  const seriesDir = join(written.runDir, "series");
  const captures: Measurement[] = [];
  const cats: number[] = [];
  for (let i = 0; i < 3; i++) {
    cats.push(await catSha256Ms(seriesDir));
    captures.push(
      await measure(
        "capture",
        written.runDir,
        join(work, `scale-${constArrivals ? "const" : "expr"}-capture-${i}`),
      ),
    );
  }
  const capture = {
    ms: median(captures.map((c) => c.ms)),
    peakRssMb: Math.max(...captures.map((c) => c.peakRssMb)),
  };
  const catMs = median(cats);
  const live = await measure(
    "capture-live",
    written.runDir,
    join(work, `scale-${constArrivals ? "const" : "expr"}-capture-live`),
  );
  const bytes = (await Array.fromAsync(Deno.readDir(seriesDir)))
    .filter((e) => e.name.endsWith(".csv"))
    .reduce((sum, e) => sum + Deno.statSync(join(seriesDir, e.name)).size, 0);
  console.log(
    `  capture         : ${(capture.ms / 1000).toFixed(2)} s, peak RSS ${
      capture.peakRssMb.toFixed(1)
    } MB (budget 250 MB)`,
  );
  console.log(
    `  throughput      : ${
      (values / (capture.ms / 1000) / 1e6).toFixed(2)
    } M values/s (${values} values, ${(bytes / 1e6).toFixed(0)} MB of source CSV)`,
  );
  console.log(
    `  cat | sha256sum : ${(catMs / 1000).toFixed(2)} s over the same ${
      (bytes / 1e6).toFixed(0)
    } MB = ${(values / (catMs / 1000) / 1e6).toFixed(1)} M values/s`,
  );
  console.log(
    `  capture / (cat | sha256sum) time ratio ${
      median(captures.map((c, i) => c.ms / cats[i])).toFixed(2)
    } (median of 3 interleaved)`,
  );
  console.log(
    `  live heap       : at most ${
      live.liveHeapMb!.toFixed(1)
    } MB after a full GC every 500 files (the rest of the peak RSS is garbage V8 collects lazily)`,
  );
}

if (Deno.args[0] === "--worker") {
  await worker(Deno.args.slice(1));
} else {
  const work = join(ROOT, ".tmp", "bench-capture");
  await Deno.remove(work, { recursive: true }).catch(() => {});
  await Deno.mkdir(work, { recursive: true });
  try {
    await nfr1(work, true);
    await nfr1(work, false);
    await week(work);
    if (Deno.env.get("FLOWTIME_BENCH_SCALE") !== "0") {
      await scale(work, false);
      await scale(work, true);
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}
