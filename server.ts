// The `flowtime serve` entry point (`deno task serve`): the HTTP server as its own process.
// The app lives in server/app.ts; flags and environment are read by the CLI's serve command.
import { runProcess } from "./cli/process.ts";

if (import.meta.main) await runProcess(["serve", ...Deno.args]);
