// The `flowtime` command. Everything lives in cli/ and lib/; this file only starts the process.
import { runProcess } from "./cli/process.ts";

if (import.meta.main) await runProcess(Deno.args);
