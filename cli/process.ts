// What a `flowtime` process does around the CLI: arguments in, exit code out, Ctrl-C as exit
// 130. Shared by the two entry points, cli.ts and server.ts.
import { main } from "./main.ts";

/**
 * Run the CLI as this process and exit with its code.
 * @param args arguments after `flowtime`
 */
export async function runProcess(args: string[]): Promise<never> {
  Deno.addSignalListener("SIGINT", () => {
    console.error("interrupted");
    Deno.exit(130);
  });
  const code = await main(args, {
    out: (t) => console.log(t),
    err: (t) => console.error(t),
    interactive: Deno.stderr.isTerminal(),
  });
  Deno.exit(code);
}
