// The `flowtime` command. Everything lives in cli/ and lib/; this file only wires the process:
// arguments in, exit code out, Ctrl-C as exit 130.
import { main } from "./cli/main.ts";

if (import.meta.main) {
  Deno.addSignalListener("SIGINT", () => {
    console.error("interrupted");
    Deno.exit(130);
  });
  const code = await main(Deno.args, {
    out: (t) => console.log(t),
    err: (t) => console.error(t),
    interactive: Deno.stderr.isTerminal(),
  });
  Deno.exit(code);
}
