// Engine benchmark: parse + evaluate + write a run bundle for 50 nodes x 288 bins and 1,000
// nodes x 8,640 bins. Each case runs in its own process so peak memory (VmHWM) is its own. The
// write is set beside its floor measured in the same process: the run's files, already in
// memory, written again into a new folder (ratio = median of the per-run ratios). A second
// figure shows what any encoder written in JavaScript pays before writing: storing the series
// bytes one by one into a buffer, and their sha256 (series/index.json records it).
import { join } from "node:path";
import { syntheticModel } from "../scripts/synthetic_model.ts";
import { parseModel } from "../lib/model/parse.ts";
import { evaluateModel } from "../lib/engine/evaluate.ts";
import { writeRunBundle } from "../lib/artifacts/writer.ts";
import { hashOf } from "../lib/base/hash.ts";
import { caseArgs, peakRssMb, runCase, table } from "./_harness.ts";

const CASES = [
  { nodes: 50, bins: 288, repeat: 5 },
  { nodes: 1000, bins: 8640, repeat: 3 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (caseArgs()) {
  const [nodes, bins, out] = caseArgs()!;
  const text = syntheticModel(Number(nodes), Number(bins));
  const t0 = performance.now();
  const parsed = parseModel(text);
  const t1 = performance.now();
  const evaluation = evaluateModel(parsed.model, { exprs: parsed.exprs });
  const t2 = performance.now();
  const written = await writeRunBundle({
    runsDir: out,
    modelText: parsed.text,
    model: parsed.model,
    evaluation,
    deterministic: true,
    overwrite: true,
  });
  const t3 = performance.now();
  // The floor: the same files with the same bytes, already in memory, written into a new
  // folder one after another.
  const files: Array<[string, Uint8Array]> = [];
  const collect = (dir: string, rel: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) collect(path, join(rel, e.name));
      else files.push([join(rel, e.name), Deno.readFileSync(path)]);
    }
  };
  collect(written.runDir, "");
  const floorDir = join(out, "floor");
  await Deno.remove(floorDir, { recursive: true }).catch(() => {});
  const f0 = performance.now();
  Deno.mkdirSync(floorDir, { recursive: true });
  for (const dir of new Set(files.map(([rel]) => join(floorDir, rel, "..")))) {
    Deno.mkdirSync(dir, { recursive: true });
  }
  for (const [rel, bytes] of files) Deno.writeFileSync(join(floorDir, rel), bytes);
  const floorMs = performance.now() - f0;
  const series = files.filter(([rel]) => rel.endsWith(".csv")).map(([, bytes]) => bytes);
  const scratch = new Uint8Array(Math.max(...series.map((b) => b.length)));
  const s0 = performance.now();
  for (const bytes of series) {
    for (let i = 0; i < bytes.length; i++) scratch[i] = bytes[i];
  }
  for (const bytes of series) hashOf(bytes);
  const storeHashMs = performance.now() - s0;
  console.log(
    JSON.stringify({
      parseMs: t1 - t0,
      evaluateMs: t2 - t1,
      writeMs: t3 - t2,
      floorMs,
      storeHashMs,
      totalMs: t3 - t0,
      peakRssMb: await peakRssMb(),
      nodes: parsed.model.nodes.length,
    }),
  );
} else {
  const rows: string[][] = [[
    "case",
    "model nodes",
    "parse ms",
    "evaluate ms",
    "write ms",
    "same bytes ms",
    "write / same bytes",
    "store bytes + sha256 ms",
    "total ms (median)",
    "peak RSS MB",
  ]];
  for (const c of CASES) {
    const results = [];
    for (let i = 0; i < c.repeat; i++) {
      results.push(
        await runCase(import.meta.url, [
          String(c.nodes),
          String(c.bins),
          join(Deno.cwd(), ".tmp", "bench-engine"),
        ]),
      );
    }
    results.sort((a, b) => a.totalMs - b.totalMs);
    const m = results[Math.floor(results.length / 2)];
    rows.push([
      `${c.nodes} x ${c.bins}`,
      String(m.nodes),
      m.parseMs.toFixed(1),
      m.evaluateMs.toFixed(1),
      m.writeMs.toFixed(1),
      m.floorMs.toFixed(1),
      median(results.map((r) => r.writeMs / r.floorMs)).toFixed(2),
      m.storeHashMs.toFixed(1),
      m.totalMs.toFixed(1),
      Math.max(...results.map((r) => r.peakRssMb)).toFixed(1),
    ]);
  }
  console.log("engine: parse + evaluate + write run bundle");
  console.log(table(rows));
  await Deno.remove(join(Deno.cwd(), ".tmp", "bench-engine"), { recursive: true }).catch(() => {});
}
