// Bounded work: what the checks that refuse oversized work cost, how long work within the
// limits takes, and the longest stretch the event loop waits while a large model is evaluated
// by the server's (yielding) evaluator.
//
// Run: deno task bench bench/bounded_work.ts
import { parseModel } from "../lib/model/parse.ts";
import { evaluateModel, evaluateModelYielding } from "../lib/engine/evaluate.ts";
import { checkGapConfig, gapConfigFromValue } from "../lib/telemetry/gap_config.ts";
import { gapPlanFor } from "../lib/telemetry/gaps.ts";
import { SEMANTIC_METRICS } from "../lib/model/types.ts";
import { syntheticModel } from "../scripts/synthetic_model.ts";
import { table } from "./_harness.ts";

function time<T>(fn: () => T): [number, T | Error] {
  const t0 = performance.now();
  try {
    const value = fn();
    return [performance.now() - t0, value];
  } catch (err) {
    return [performance.now() - t0, err as Error];
  }
}

function sumModel(terms: number, bins: number): string {
  const expr = "a" + "+b-a".repeat(Math.floor((terms - 1) / 2));
  return `grid: { bins: ${bins}, binSize: 1, binUnit: minutes }
nodes:
  - { id: a, kind: const, values: [${Array(bins).fill(1).join(",")}] }
  - { id: b, kind: const, values: [${Array(bins).fill(2).join(",")}] }
  - { id: s, kind: expr, expr: "${expr}" }
`;
}

const rows: string[][] = [["work", "outcome", "ms"]];
const outcome = (v: unknown) =>
  v instanceof Error ? `refused (${(v as { code?: string }).code ?? v.name})` : "done";

// Misspelt references: every one reported, 20 with a suggestion.
const names = Array.from({ length: 5000 }, (_, k) => `queue_${k}`);
const misspelt = `grid: { bins: 1, binSize: 1, binUnit: minutes }\nnodes:\n${
  names.map((n) => `  - { id: ${n}, kind: const, values: [1] }`).join("\n")
}\n  - { id: out, kind: expr, expr: "${
  names.map((n) => n.replace("queue", "qeueu")).join("+")
}" }\n`;
const [msMisspelt, misspeltResult] = time(() => parseModel(misspelt));
rows.push([
  "validate 5,000 misspelt references (5,000 nodes)",
  outcome(misspeltResult),
  msMisspelt.toFixed(1),
]);

for (const [terms, bins] of [[8_000, 1_000], [33_000, 1_000], [33_000, 6_000]]) {
  const [ms, result] = time(() => {
    const parsed = parseModel(sumModel(terms, bins));
    return evaluateModel(parsed.model, { exprs: parsed.exprs });
  });
  rows.push([
    `parse + evaluate a ${terms.toLocaleString("en-US")}-term sum x ${bins} bins`,
    outcome(result),
    ms.toFixed(1),
  ]);
}

// Gap rules: refusal of 5,000 full-grid rules on 100 nodes x 5 metrics x 10,000 bins, and a
// dry plan of rules just under the limit.
const bins = 10_000;
const files = Array.from({ length: 100 }, (_, k) => `N${k}`).flatMap((nodeId) =>
  SEMANTIC_METRICS.slice(0, 5).map((semantic) => ({ nodeId, semantic }))
);
const targets = { bins, nodes: files.map((f) => f.nodeId), files };
const many = gapConfigFromValue({
  rules: Array.from(
    { length: 5000 },
    () => ({ node: "*", metric: "*", bins: ["0-9999"], action: "nan" }),
  ),
});
const [msRefuse, refuse] = time(() => checkGapConfig(many, targets));
rows.push([
  "check 5,000 gap rules x 500 files x 10,000 bins",
  outcome(refuse),
  msRefuse.toFixed(1),
]);
const near = gapConfigFromValue({
  seed: 1,
  rules: [
    { node: "*", metric: "*", bins: ["0-9999"], action: "nan" },
    { node: "*", metric: "*", fraction: 0.99, action: "drop" },
  ],
});
const [msPlan, plan] = time(() => {
  checkGapConfig(near, targets);
  for (const f of files) gapPlanFor(near.config, { ...f, bins });
});
rows.push(["check + plan 9,950,000 gap changes (500 files)", outcome(plan), msPlan.toFixed(1)]);
const [msHeavy, heavy] = time(() => parseModel(sumModel(40_000, 10_000)));
rows.push(["check a model of 40,000 terms x 10,000 bins", outcome(heavy), msHeavy.toFixed(1)]);

console.log("bounded work (in-process, one run each)");
console.log(table(rows));

// The event loop while a large model is evaluated: ticks every 0 ms, longest gap between two.
const parsed = parseModel(syntheticModel(1000, 8640));
for (
  const [label, run] of [
    [
      "evaluateModel (CLI, library)",
      () => Promise.resolve(evaluateModel(parsed.model, { exprs: parsed.exprs })),
    ],
    [
      "evaluateModelYielding (server)",
      () => evaluateModelYielding(parsed.model, { exprs: parsed.exprs }),
    ],
  ] as const
) {
  let longest = 0;
  let last = performance.now();
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await new Promise((r) => setTimeout(r, 0));
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }
  })();
  const t0 = performance.now();
  await run();
  const total = performance.now() - t0;
  ticking = false;
  await ticker;
  console.log(
    `  ${label.padEnd(32)} 1,000 nodes x 8,640 bins in ${
      total.toFixed(0)
    } ms; longest event-loop wait ${longest.toFixed(1)} ms`,
  );
}
