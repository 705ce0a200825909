// What a `flowtime` process does around the CLI: arguments in, exit code out, Ctrl-C (exit 130)
// and SIGTERM (exit 143) removing the temp folder of a write in progress first. Shared by the
// two entry points, cli.ts and server.ts.
import { removeWritesInProgress } from "../lib/base/atomic.ts";
import { main } from "./main.ts";

/**
 * Run the CLI as this process and exit with its code.
 * @param args arguments after `flowtime`
 */
export async function runProcess(args: string[]): Promise<never> {
  const interrupted = (code: number) => () => {
    removeWritesInProgress();
    console.error("interrupted");
    Deno.exit(code);
  };
  Deno.addSignalListener("SIGINT", interrupted(130));
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", interrupted(143));
  const code = await main(args, {
    out: (t) => console.log(t),
    err: (t) => console.error(t),
    interactive: Deno.stderr.isTerminal(),
  });
  Deno.exit(code);
}
