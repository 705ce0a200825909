// A real Prometheus for the import tests: Debian's `prometheus` package (server and promtool),
// installed with apt when missing and running as root. A server is backfilled from OpenMetrics
// files with `promtool tsdb create-blocks-from openmetrics`, started on 127.0.0.1 on a free port
// with its own temp storage, and stopped (its folder removed) by `stop()`.
import { join } from "node:path";
import { removeDir, tempDir } from "../_helpers.ts";

/** Why the Prometheus tests cannot run here, or undefined when they can. */
export const PROMETHEUS_MISSING: string | undefined = await ensurePrometheus();
if (PROMETHEUS_MISSING) {
  console.error(`skipping the tests against a real Prometheus: ${PROMETHEUS_MISSING}`);
}

/** Data older than this is never deleted by the test servers (backfilled data is from 2025). */
const RETENTION = "100y";

/** Options for {@link startPrometheus}. */
export interface PrometheusOptions {
  /** OpenMetrics files to backfill before the start (each one `promtool` run). */
  backfill?: string[];
  /** Content of a web configuration file (TLS, basic authentication). */
  webConfig?: string;
  /** Files the web configuration names, written next to it. */
  files?: Record<string, string>;
  /** Extra server flags. */
  flags?: string[];
  /** CA certificate (PEM) the server's TLS certificate is signed with. */
  caCert?: string;
}

/** A running Prometheus; `await using` stops it and removes its folder. */
export interface RunningPrometheus extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (or `https://...` with TLS in the web configuration). */
  url: string;
  /** Its port. */
  port: number;
  /** The folder holding its storage and configuration. */
  dir: string;
  /** Stop it, wait for it to exit and remove its folder. */
  stop(): Promise<void>;
}

/**
 * Backfill and start a Prometheus on a free loopback port; waits (up to 90 s) for `/-/ready`.
 * @param options files to backfill, web configuration, extra flags
 * @returns the running server
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = (await tempDir("prometheus")).path;
  try {
    const tsdb = join(dir, "tsdb");
    await Deno.mkdir(tsdb);
    for (const file of options.backfill ?? []) await backfill(file, tsdb);
    await Deno.writeTextFile(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1h\n");
    for (const [name, text] of Object.entries(options.files ?? {})) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    if (options.webConfig !== undefined) {
      await Deno.writeTextFile(join(dir, "web.yml"), options.webConfig);
    }
    const tls = options.webConfig?.includes("tls_server_config") ?? false;
    // A free port can be taken between probing and binding: try a few.
    for (let attempt = 1;; attempt++) {
      const port = freePort();
      try {
        return await launch({ dir, tsdb, port, tls, options });
      } catch (err) {
        if (attempt >= 3 || !String(err).includes("address already in use")) throw err;
      }
    }
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

/**
 * Run `promtool tsdb create-blocks-from openmetrics` into a folder.
 * @param file the OpenMetrics file
 * @param outputDir where the blocks go
 */
export async function backfill(file: string, outputDir: string): Promise<void> {
  const out = await new Deno.Command("promtool", {
    args: ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, outputDir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `promtool could not backfill ${file}:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

async function launch(
  at: { dir: string; tsdb: string; port: number; tls: boolean; options: PrometheusOptions },
): Promise<RunningPrometheus> {
  const child = new Deno.Command("prometheus", {
    args: [
      `--config.file=${join(at.dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${at.tsdb}`,
      `--storage.tsdb.retention.time=${RETENTION}`,
      `--web.listen-address=127.0.0.1:${at.port}`,
      "--log.level=warn",
      ...(at.options.webConfig !== undefined
        ? [`--web.config.file=${join(at.dir, "web.yml")}`]
        : []),
      ...(at.options.flags ?? []),
    ],
    cwd: at.dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log: string[] = [];
  const draining = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log.push(chunk);
      if (log.length > 200) log.shift();
    }
  })();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const url = `${at.tls ? "https" : "http"}://127.0.0.1:${at.port}`;
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, 15_000);
      await status;
      clearTimeout(timer);
    }
    await draining.catch(() => {});
    await removeDir(at.dir);
  };
  const deadline = Date.now() + 90_000;
  const client = at.options.caCert
    ? Deno.createHttpClient({ caCerts: [at.options.caCert] })
    : undefined;
  try {
    for (;;) {
      if (exited) {
        throw new Error(`prometheus exited before it was ready:\n${log.join("")}`);
      }
      try {
        const res = await fetch(`${url}/-/ready`, {
          signal: AbortSignal.timeout(5_000),
          ...(client ? { client } : {}),
        });
        await res.body?.cancel();
        // a web configuration with basic authentication answers 401 once it is up
        if (res.ok || res.status === 401) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`prometheus not ready in 90 s:\n${log.join("")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    client?.close();
    if (!exited) child.kill("SIGKILL");
    await status;
    await draining.catch(() => {});
    throw err;
  }
  client?.close();
  return {
    url,
    port: at.port,
    dir: at.dir,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

async function runs(command: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output();
    return out.code === 0;
  } catch {
    return false;
  }
}

// Finds the binaries; when missing and running as root, installs Debian's package quietly.
async function ensurePrometheus(): Promise<string | undefined> {
  const present = async () =>
    await runs("prometheus", ["--version"]) && await runs("promtool", ["--version"]);
  if (await present()) return undefined;
  let uid = "";
  try {
    const out = await new Deno.Command("id", { args: ["-u"], stdout: "piped" }).output();
    uid = new TextDecoder().decode(out.stdout).trim();
  } catch {
    // no `id`: not a machine we can install on
  }
  if (uid === "0") {
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    const quiet = { stdout: "null", stderr: "null", env } as const;
    try {
      await new Deno.Command("apt-get", { args: ["update", "-qq"], ...quiet }).output();
      await new Deno.Command("apt-get", {
        args: ["install", "-y", "-qq", "--no-install-recommends", "prometheus"],
        ...quiet,
      }).output();
    } catch {
      // no apt-get
    }
    if (await present()) return undefined;
  }
  return "the prometheus and promtool binaries were not found (install Debian's prometheus package: apt-get install prometheus)";
}
