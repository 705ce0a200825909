// Engine benchmark: parse + evaluate + write a run bundle for 50 nodes x 288 bins and 1,000
// nodes x 8,640 bins. Each case runs in its own process so peak memory (VmHWM) is its own.
import { join } from "node:path";
import { syntheticModel } from "../scripts/synthetic_model.ts";
import { parseModel } from "../lib/model/parse.ts";
import { evaluateModel } from "../lib/engine/evaluate.ts";
import { writeRunBundle } from "../lib/artifacts/writer.ts";
import { caseArgs, peakRssMb, runCase, table } from "./_harness.ts";

const CASES = [
  { nodes: 50, bins: 288, repeat: 5 },
  { nodes: 1000, bins: 8640, repeat: 1 },
];

if (caseArgs()) {
  const [nodes, bins, out] = caseArgs()!;
  const text = syntheticModel(Number(nodes), Number(bins));
  const t0 = performance.now();
  const parsed = parseModel(text);
  const t1 = performance.now();
  const evaluation = evaluateModel(parsed.model, { exprs: parsed.exprs });
  const t2 = performance.now();
  await writeRunBundle({
    runsDir: out,
    modelText: parsed.text,
    model: parsed.model,
    evaluation,
    deterministic: true,
    overwrite: true,
  });
  const t3 = performance.now();
  console.log(
    JSON.stringify({
      parseMs: t1 - t0,
      evaluateMs: t2 - t1,
      writeMs: t3 - t2,
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
      m.totalMs.toFixed(1),
      Math.max(...results.map((r) => r.peakRssMb)).toFixed(1),
    ]);
  }
  console.log("engine: parse + evaluate + write run bundle");
  console.log(table(rows));
  await Deno.remove(join(Deno.cwd(), ".tmp", "bench-engine"), { recursive: true }).catch(() => {});
}
