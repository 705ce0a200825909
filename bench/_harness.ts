// Benchmark plumbing: run a case in a child Deno process (so its peak memory is its own),
// read peak RSS from /proc, and print aligned tables.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/**
 * Arguments after `--case` when this process is a benchmark case, else undefined.
 * @returns the case arguments
 */
export function caseArgs(): string[] | undefined {
  const i = Deno.args.indexOf("--case");
  return i >= 0 ? Deno.args.slice(i + 1) : undefined;
}

/**
 * Peak resident set size of this process in MB (Linux VmHWM; 0 where unavailable).
 * @returns megabytes
 */
export async function peakRssMb(): Promise<number> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return Deno.memoryUsage().rss / 1024 / 1024;
  }
}

/**
 * Run a benchmark module as a child process with `--case <args>` and parse the JSON it prints.
 * @param moduleUrl the module (import.meta.url of the caller)
 * @param args case arguments
 * @returns the parsed last line of stdout
 */
// deno-lint-ignore no-explicit-any
export async function runCase(moduleUrl: string, args: string[]): Promise<any> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      // benchmark cases may import development packages (autocannon)
      `--lock=${join(ROOT, "deno.dev.lock")}`,
      // a case reads the project, writes .tmp, and reads its own peak memory
      `--allow-read=${ROOT},/proc/self/status`,
      `--allow-write=${join(ROOT, ".tmp")}`,
      "--allow-env=SOURCE_DATE_EPOCH",
      new URL(moduleUrl).pathname,
      "--case",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (out.code !== 0) {
    throw new Error(`benchmark case failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(text.split("\n").pop()!);
}

/**
 * Format rows as an aligned text table (first row is the header).
 * @param rows table cells
 * @returns the table text
 */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r, i) => {
    const line = r.map((c, j) => c.padEnd(widths[j])).join("  ");
    return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
  }).join("\n");
}

/** A `flowtime serve` child process on a free loopback port. */
export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  base: string;
  /** The child process (its pid for memory readings). */
  child: Deno.ChildProcess;
  /** Stop the server and wait for it to exit. */
  stop(): Promise<void>;
}

/** Options for {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** Script and arguments before `--port` (default `<root>/cli.ts serve`). */
  entry?: string[];
  /** Open-file limit (`ulimit -n` in a shell that then runs the server). */
  fdLimit?: number;
}

/**
 * Start `flowtime serve` as a child process reading only `dataDir`, and wait until /healthz
 * answers.
 * @param root project root (where cli.ts is)
 * @param dataDir data folder the server serves
 * @param options another entry script, an open-file limit
 * @returns the running server
 */
export async function startServerProcess(
  root: string,
  dataDir: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const denoArgs = [
    "run",
    "--quiet",
    `--allow-read=${dataDir}`,
    "--allow-net=127.0.0.1",
    "--allow-env",
    ...(options.entry ?? [`${root}/cli.ts`, "serve"]),
    "--port",
    String(port),
  ];
  const [command, args] = options.fdLimit === undefined ? [Deno.execPath(), denoArgs] : ["bash", [
    "-c",
    `ulimit -n ${options.fdLimit} && exec "$0" "$@"`,
    Deno.execPath(),
    ...denoArgs,
  ]];
  const child = new Deno.Command(command, {
    args,
    env: { FLOWTIME_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0;; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch (err) {
      if (i > 300) {
        child.kill("SIGKILL");
        throw err;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
