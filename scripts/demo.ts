// `deno task demo`: the main job. Runs the example models into ./data and prints what was
// written. Works offline; finishes in seconds.
import { join } from "node:path";
import { runModelFile } from "../lib/workflow/run_model.ts";
import { dataDir, runsDir } from "../lib/config.ts";

const models = [
  "fixtures/models/queue-buffer.yaml",
  "fixtures/models/backlog-shift.yaml",
  "fixtures/models/order-system.yaml",
  "fixtures/reference/flowtime/http-service/model.yaml",
];

const rows: string[][] = [["model", "run id", "bins", "series", "warnings"]];
for (const model of models) {
  const written = await runModelFile(model, {
    runsDir: runsDir(),
    deterministic: true,
    overwrite: true,
  });
  rows.push([
    model,
    written.runId,
    String(written.runJson.grid.bins),
    String(written.runJson.series.length),
    String(written.runJson.warnings.length),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((c, j) => c.padEnd(widths[j])).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log(`\nrun bundles written under ${join(dataDir(), "runs")}`);
