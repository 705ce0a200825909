// `deno task demo`: the main job, end to end and offline. For each example template: a
// simulation run, its telemetry capture (microservices with injected gaps), a telemetry-mode
// replay of the capture through the same template, parity against the original, and a /state
// snapshot of the replay. Everything lands in $FLOWTIME_DATA_DIR (default ./data).
import { join } from "node:path";
import { CliEnvironment } from "../cli/config.ts";
import { InProcessSimClient } from "../lib/sim/in_process.ts";
import { loadGapConfig } from "../lib/telemetry/gap_config.ts";
import { runLoop } from "../lib/workflow/loop.ts";
import { loadStateRun } from "../lib/state/load.ts";
import { queryState } from "../lib/state/service.ts";
import type { StateSnapshot } from "../lib/state/types.ts";

const AT = "2025-10-07T00:00:00Z";
const env = new CliEnvironment();
const data = env.dataDir;
const sim = new InProcessSimClient(env.templatesDir, { generatedAt: AT });
const plan: Array<{ template: string; gaps?: string }> = [
  { template: "order-system" },
  { template: "microservices", gaps: "fixtures/gaps/microservices-gaps.yaml" },
  { template: "http-service" },
];

const started = performance.now();
const table: string[][] = [[
  "template",
  "simulation run -> telemetry-mode run",
  "files",
  "capture warnings",
  "run warnings",
  "parity",
]];
const details: string[] = [];
for (const step of plan) {
  const gaps = step.gaps ? await loadGapConfig(step.gaps) : undefined;
  const loop = await runLoop(sim, {
    templateId: step.template,
    dataDir: data,
    gaps,
    at: AT,
    overwrite: true,
  });
  const manifest = loop.capture.manifest;
  const replay = loop.replay.written;
  const parity = loop.parity.passed
    ? `0 (${loop.parity.comparisons.length} node metrics)`
    : `differs in ${
      loop.parity.comparisons.filter((c) => c.differingBins > 0).length
    } node metrics (gaps)`;
  table.push([
    step.template,
    `${loop.simulation.runId} -> ${replay.runId}`,
    String(manifest.files.length),
    String(manifest.warnings.length),
    String(replay.runJson.warnings.length),
    parity,
  ]);
  // One /state line per node, at a bin a capture warning covers when there is one.
  const bin = manifest.warnings.flatMap((w) => w.bins ?? [])[0] ??
    Math.floor(manifest.grid.bins / 2);
  const state = queryState(await loadStateRun(replay.runDir), {
    kind: "snapshot",
    binIndex: bin,
  }) as StateSnapshot;
  details.push(
    `\n${step.template}: /v1/runs/${replay.runId}/state?binIndex=${bin} (${state.bin.startUtc})`,
  );
  for (const node of state.nodes) {
    const m = node.metrics;
    const d = node.derived;
    const fmt = (
      v: number | null | undefined,
    ) => (v === null || v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(3));
    details.push(
      `  ${node.id.padEnd(17)} ${node.kind.padEnd(7)} arrivals ${
        fmt(m.arrivals).padStart(7)
      }  served ${fmt(m.served).padStart(7)}  errors ${fmt(m.errors).padStart(5)}` +
        `  util ${fmt(d.utilization).padStart(5)}  ${d.color.padEnd(6)}${
          node.telemetry.warnings.length > 0
            ? `  warnings: ${node.telemetry.warnings.map((w) => w.code).join(", ")}`
            : ""
        }`,
    );
  }
  const capWarnings = state.warnings.filter((w) => w.source === "capture");
  if (capWarnings.length > 0) {
    details.push(
      `  capture warnings in this bin: ${
        capWarnings.map((w) => `${w.code} ${w.nodeId}.${w.metric}`).join("; ")
      }`,
    );
  }
}

const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const [i, row] of table.entries()) {
  console.log(row.map((c, j) => c.padEnd(widths[j])).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
for (const line of details) console.log(line);
console.log(
  `\nwritten under ${join(data, "runs")} and ${join(data, "telemetry")} in ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s`,
);
console.log(`next: deno task serve, then GET http://127.0.0.1:8080/v1/runs`);
