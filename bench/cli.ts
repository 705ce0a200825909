// CLI startup: `flowtime --help` as the flowtime task runs it, beside `deno eval` of an empty
// program (the runtime's own startup), interleaved, median of 11 each.
//
// Run: deno task bench bench/cli.ts
import { fileURLToPath } from "node:url";
import { table } from "./_harness.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const RUNS = 11;

async function timed(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).output();
  if (out.code !== 0) throw new Error(`deno ${args.join(" ")} exited ${out.code}`);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const help = ["run", "--quiet", "--allow-read=.", "--allow-env=NO_COLOR", "cli.ts", "--help"];
const floor = ["eval", "--quiet", "0"];
await timed(help); // module graph compiled and cached once
const helpMs: number[] = [];
const floorMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floorMs.push(await timed(floor));
  helpMs.push(await timed(help));
}
console.log(`CLI startup (median of ${RUNS}, interleaved):`);
console.log(table([
  ["command", "ms", "ratio"],
  ["deno eval 0", median(floorMs).toFixed(0), "(floor)"],
  [
    "flowtime --help",
    median(helpMs).toFixed(0),
    `${median(helpMs.map((h, i) => h / floorMs[i])).toFixed(2)}x`,
  ],
]));
