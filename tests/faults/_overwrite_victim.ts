// A writer that replaces a run folder with a copy of another run and kills itself (SIGKILL)
// right after the given step of the replacement: the fault test runs it once per step.
// Usage: deno run ... _overwrite_victim.ts <runsDir> <name> <source run folder> <step>
import { join } from "node:path";
import { type AtomicStep, writeFolderAtomically } from "../../lib/base/atomic.ts";
import { copyTree } from "../_helpers.ts";

const [runsDir, name, source, step] = Deno.args;
await writeFolderAtomically(join(runsDir, name), (tmp) => copyTree(source, tmp), {
  overwrite: true,
  existsCode: "run_exists",
  what: "run folder",
  marker: "run.json",
  onStep: (s: AtomicStep) => {
    if (s === step) Deno.kill(Deno.pid, "SIGKILL");
  },
});
console.log("finished without being killed");
