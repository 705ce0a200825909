// Large models: a week (2,016) and a month (8,640) of 5-minute bins for 1,000 services, the
// arrivals and capacity of each as `values:` lists (17 MB and 71 MB of YAML). The model parse
// is set beside JSON.parse of the same numbers, each cold in a fresh process, interleaved;
// then `flowtime run` of each model as the CLI runs it (its own process: time, peak RSS).
//
// Run: deno task bench bench/big_model.ts
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { servicesModel } from "../scripts/synthetic_model.ts";
import { caseArgs, peakRssMb, runCase, table } from "./_harness.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SERVICES = 1000;
const REPEATS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (caseArgs()) {
  const [kind, file, out] = caseArgs()!;
  const text = await Deno.readTextFile(file);
  if (kind === "json") {
    // the same numbers, as one JSON document of lists
    const json = `[${[...text.matchAll(/values: (\[[^\]]*\])/g)].map((m) => m[1]).join(",")}]`;
    const t0 = performance.now();
    JSON.parse(json);
    console.log(JSON.stringify({ ms: performance.now() - t0 }));
  } else if (kind === "parse") {
    const { parseModel } = await import("../lib/model/parse.ts");
    const t0 = performance.now();
    parseModel(text, { file });
    console.log(JSON.stringify({ ms: performance.now() - t0 }));
  } else {
    // what `flowtime run --model <file> --out <dir> --deterministic` does, in this process
    const { main } = await import("../cli/main.ts");
    const t0 = performance.now();
    const code = await main(["run", "--model", file, "--out", out, "--deterministic"], {
      out: () => {},
      err: (t) => console.error(t),
      interactive: false,
    });
    if (code !== 0) throw new Error(`flowtime run exited ${code}`);
    console.log(JSON.stringify({ ms: performance.now() - t0, peakRssMb: await peakRssMb() }));
  }
} else {
  const work = join(ROOT, ".tmp", "bench-big-model");
  await Deno.remove(work, { recursive: true }).catch(() => {});
  await Deno.mkdir(work, { recursive: true });
  try {
    const rows = [[
      "model",
      "YAML MB",
      "parse ms",
      "JSON.parse ms",
      "parse / JSON.parse",
      "flowtime run s",
      "peak RSS MB",
    ]];
    for (const bins of [2016, 8640]) {
      const file = join(work, `services-${bins}.yaml`);
      await Deno.writeTextFile(file, servicesModel(SERVICES, bins));
      const size = (await Deno.stat(file)).size;
      const parse: number[] = [];
      const json: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        json.push((await runCase(import.meta.url, ["json", file, ""])).ms);
        parse.push((await runCase(import.meta.url, ["parse", file, ""])).ms);
      }
      const run = await runCase(import.meta.url, ["run", file, join(work, "runs")]);
      rows.push([
        `${SERVICES} services x ${bins} bins`,
        (size / 1e6).toFixed(1),
        median(parse).toFixed(0),
        median(json).toFixed(0),
        median(parse.map((p, i) => p / json[i])).toFixed(2),
        (run.ms / 1000).toFixed(1),
        run.peakRssMb.toFixed(0),
      ]);
    }
    console.log(`large models (cold, one process per measurement, median of ${REPEATS}):`);
    console.log(table(rows));
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}
