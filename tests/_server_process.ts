// A real server in a child process for end-to-end tests: started with exactly the permission
// flags a test gives, on a free port (--port 0), its stderr log lines collected.
import { join } from "node:path";
import { NEUTRAL_ENV, ROOT } from "./_helpers.ts";

/** A running server child process. */
export interface ServerProcess {
  /** The port it listens on. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Its stderr lines so far (JSON request logs, warnings). */
  lines: string[];
  /** Its process id. */
  pid: number;
  /** Resolves with its exit status when it exits. */
  status: Promise<Deno.CommandStatus>;
  /** Stop it and wait for it to exit. */
  stop(): Promise<void>;
}

/** How to start the server. */
export interface ServerProcessOptions {
  /** Deno permission flags. */
  flags: string[];
  /** Entry script and its arguments (default `cli.ts serve`). */
  entry?: string[];
  /** Extra arguments after `--port 0`. */
  args?: string[];
  /** Working directory (default the project root). */
  cwd?: string;
  /** Environment on top of NEUTRAL_ENV. */
  env?: Record<string, string>;
  /** Open-file limit for the server (`ulimit -n` in a shell that then runs it). */
  fdLimit?: number;
}

/**
 * Start the server and wait until it logs that it listens (30 s at most).
 * @param options permissions, entry, arguments, folder and environment
 * @returns the running server
 */
export async function spawnServer(options: ServerProcessOptions): Promise<ServerProcess> {
  const entry = options.entry ?? ["cli.ts", "serve"];
  const denoArgs = [
    "run",
    "--quiet",
    ...options.flags,
    join(ROOT, entry[0]),
    ...entry.slice(1),
    "--port",
    "0",
    ...(options.args ?? []),
  ];
  const [command, args] = options.fdLimit === undefined ? [Deno.execPath(), denoArgs] : ["bash", [
    "-c",
    `ulimit -n ${options.fdLimit} && exec "$0" "$@"`,
    Deno.execPath(),
    ...denoArgs,
  ]];
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd ?? ROOT,
    env: { ...NEUTRAL_ENV, ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<number>();
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        const m = line.match(/listening on http:\/\/[^ ]*:(\d+)$/);
        if (m) resolve(Number(m[1]));
      }
    }
    reject(new Error(`server exited before listening:\n${lines.join("\n")}`));
  })();
  const timer = setTimeout(() => reject(new Error("server did not start in 30 s")), 30_000);
  let port: number;
  try {
    port = await promise.finally(() => clearTimeout(timer));
  } catch (err) {
    // Never leave a child behind: stop it (if it still runs) and wait for it before failing.
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
    await reading;
    throw err;
  }
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    lines,
    pid: child.pid,
    status: child.status,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reading;
    },
  };
}
