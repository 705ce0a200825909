// `deno task fuzz`: runs the property tests (tests/property/) with many cases per target, then
// prints one line per target with its case count, the total, and PASS or FAIL.
//
// Each test file runs in its own isolate, so the tests append their counts to a report file
// (FLOWTIME_FUZZ_REPORT) that this script reads once `deno test` has finished.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const runs = Deno.env.get("FLOWTIME_FUZZ_RUNS") ?? "10000";
if (!/^[1-9]\d*$/.test(runs)) {
  console.error(`error: FLOWTIME_FUZZ_RUNS must be a whole number > 0, got '${runs}'`);
  Deno.exit(2);
}
await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
const report = join(ROOT, ".tmp", `fuzz-report-${Deno.pid}.jsonl`);
await Deno.writeTextFile(report, "");

const started = performance.now();
const status = await new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "--lock=deno.dev.lock",
    "--allow-read=.",
    "--allow-write=./.tmp",
    "--allow-env=FLOWTIME_FUZZ_RUNS,FLOWTIME_FUZZ_REPORT,NO_COLOR,SOURCE_DATE_EPOCH,FLOWTIME_DATA_DIR,FLOWTIME_TEMPLATES_DIR",
    "tests/property/",
    ...Deno.args,
  ],
  cwd: ROOT,
  env: { FLOWTIME_FUZZ_RUNS: runs, FLOWTIME_FUZZ_REPORT: report },
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).output();
const seconds = (performance.now() - started) / 1000;

const counts = new Map<string, number>();
for (const line of (await Deno.readTextFile(report)).split("\n")) {
  if (line.trim() === "") continue;
  const { target, runs: n } = JSON.parse(line) as { target: string; runs: number };
  counts.set(target, (counts.get(target) ?? 0) + n);
}
await Deno.remove(report);

const width = Math.max(6, ...[...counts.keys()].map((t) => t.length));
console.log(`\nfuzz summary (FLOWTIME_FUZZ_RUNS=${runs}, ${seconds.toFixed(0)} s)`);
for (const [target, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  ${target.padEnd(width)}  ${String(n).padStart(7)} cases`);
}
const total = [...counts.values()].reduce((a, b) => a + b, 0);
console.log(
  `  ${"total".padEnd(width)}  ${String(total).padStart(7)} cases in ${counts.size} targets`,
);
console.log(
  status.success
    ? "PASS: 0 failures"
    : `FAIL: deno test exited with code ${status.code}; the failing properties are listed above (targets that failed are missing from this list)`,
);
Deno.exit(status.success ? 0 : 1);
