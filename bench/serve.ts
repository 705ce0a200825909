// Serving benchmark, the setup: a 50-service x 288-bin run (4 model nodes per service:
// arrivals and capacity as `values:` arrays, served = MIN, errors = 2%), served by the real
// `flowtime serve` process with the serve task's permissions and its request log going to a
// file, driven by wrk (2 threads, 32 connections). Floors measured in the same run, interleaved
// round by round: `/healthz` of the same server, and a bare `Deno.serve` sending the bytes of
// the window response. Prints each target's median req/s over the rounds and the median of its
// per-round ratios to its floor, then the server's RSS after the window load.
//
// Run: deno task bench bench/serve.ts   (BENCH_SECONDS=<n> per wrk run, default 3; 5 rounds)
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runModelFile } from "../lib/workflow/run_model.ts";
import { table } from "./_harness.ts";
import { servicesModel } from "../scripts/synthetic_model.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SERVICES = 50;
const BINS = 288;
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "3");
const ROUNDS = 5;
// The V8 flags the `serve` task runs the server with (its young generation kept small).
const SERVE_V8_FLAGS =
  (JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.serve as string)
    .split(/\s+/).filter((arg) => arg.startsWith("--v8-flags="));

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0;; i++) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch (err) {
      if (i > 300) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A child process started through `sh -c 'exec ... 2>>log'` so its stderr goes to a file. */
function spawnLogged(args: string[], env: Record<string, string>, log: string): Deno.ChildProcess {
  return new Deno.Command("sh", {
    args: ["-c", 'log="$1"; shift; exec "$@" 2>>"$log"', "sh", log, ...args],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function rssMb(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

/** Requests/second of one wrk run (2 threads, 32 connections). */
async function wrk(url: string, options: { script?: string; headers?: string[] } = {}) {
  const args = ["-t2", "-c32", `-d${SECONDS}s`, "--latency"];
  if (options.script) args.push("-s", options.script);
  for (const h of options.headers ?? []) args.push("-H", h);
  args.push(url);
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const p50 = /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? "?";
  const p99 = /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? "?";
  if (!Number.isFinite(rps)) {
    throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
  }
  return { rps, non2xx, p50, p99 };
}

async function peakRssMb(pid: number): Promise<number> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `grep VmHWM /proc/${pid}/status`],
    stdout: "piped",
  }).output();
  return Number(/(\d+)/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? NaN) / 1024;
}

// A month of 5-minute bins in one request: a 50-service x 8,640-bin run served by a server
// allowed windows that wide; the window streams, so the server's memory stays flat.
async function streamedWindow(work: string): Promise<void> {
  const bins = 8640;
  const modelPath = join(work, "month.yaml");
  await Deno.writeTextFile(modelPath, servicesModel(SERVICES, bins));
  const dataDir = join(work, "month-data");
  const written = await runModelFile(modelPath, {
    runsDir: join(dataDir, "runs"),
    deterministic: true,
    createdAt: "2025-10-07T00:00:00Z",
  });
  const port = freePort();
  const server = spawnLogged(
    [
      Deno.execPath(),
      "run",
      "--quiet",
      ...SERVE_V8_FLAGS,
      `--allow-read=${dataDir}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
      join(ROOT, "server.ts"),
      "--port",
      String(port),
      "--max-window-bins",
      String(bins),
    ],
    { FLOWTIME_DATA_DIR: dataDir, NO_COLOR: "1" },
    join(work, "month-server.log"),
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`);
    const path = `/v1/runs/${written.runId}/state_window?startBin=0&endBin=${bins - 1}`;
    const first = await fetch(`${base}/v1/runs/${written.runId}/state?binIndex=0`);
    await first.body?.cancel();
    const before = await rssMb(server.pid);
    // reset the peak to the current resident set, so the peak read after is the streaming's
    await new Deno.Command("sh", { args: ["-c", `echo 5 > /proc/${server.pid}/clear_refs`] })
      .output();
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await fetch(base + path);
      bytes = 0;
      for await (const chunk of res.body!) bytes += chunk.length;
      times.push(performance.now() - t0);
    }
    const peak = await peakRssMb(server.pid);
    console.log(
      `streamed window 0..${bins - 1} of ${SERVICES} services (--max-window-bins ${bins}): ${
        (bytes / 1e6).toFixed(1)
      } MB in ${median(times).toFixed(0)} ms (median of 5); server RSS ${
        before.toFixed(1)
      } MB before (run open), peak ${peak.toFixed(1)} MB while streaming`,
    );
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
const work = await Deno.makeTempDir({ dir: join(ROOT, ".tmp"), prefix: "bench-serve-" });
const children: Deno.ChildProcess[] = [];
try {
  const modelPath = join(work, "model.yaml");
  await Deno.writeTextFile(modelPath, servicesModel(SERVICES, BINS));
  const dataDir = join(work, "data");
  const written = await runModelFile(modelPath, {
    runsDir: join(dataDir, "runs"),
    deterministic: true,
    createdAt: "2025-10-07T00:00:00Z",
  });
  const runId = written.runId;

  // The real server, with the serve task's permissions (its own data folder) and V8 flags,
  // logging to a file.
  const port = freePort();
  const server = spawnLogged(
    [
      Deno.execPath(),
      "run",
      "--quiet",
      ...SERVE_V8_FLAGS,
      `--allow-read=${dataDir},${join(ROOT, "templates")}`,
      `--allow-write=${dataDir}`,
      "--allow-net=127.0.0.1",
      "--allow-env=FLOWTIME_DATA_DIR,FLOWTIME_TEMPLATES_DIR,SOURCE_DATE_EPOCH,NO_COLOR",
      join(ROOT, "server.ts"),
      "--port",
      String(port),
    ],
    { FLOWTIME_DATA_DIR: dataDir, FLOWTIME_TEMPLATES_DIR: join(ROOT, "templates"), NO_COLOR: "1" },
    join(work, "server.log"),
  );
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`);

  const windowPath = `/v1/runs/${runId}/state_window?startBin=0&endBin=${BINS - 1}`;
  const windowBytes = new Uint8Array(await (await fetch(base + windowPath)).arrayBuffer());
  await Deno.writeFile(join(work, "window.json"), windowBytes);
  const barePort = freePort();
  const bare = spawnLogged(
    [
      Deno.execPath(),
      "run",
      "--quiet",
      `--allow-read=${join(work, "window.json")}`,
      "--allow-net=127.0.0.1",
      join(ROOT, "bench", "_bare_server.ts"),
      join(work, "window.json"),
      String(barePort),
    ],
    {},
    join(work, "bare.log"),
  );
  children.push(bare);
  await waitFor(`http://127.0.0.1:${barePort}/`);

  // /state over varied bins: each wrk thread walks the bins with its own stride.
  const stateScript = join(work, "state.lua");
  await Deno.writeTextFile(
    stateScript,
    `local i = math.random(0, ${BINS - 1})
request = function()
  i = (i + 97) % ${BINS}
  return wrk.format("GET", "/v1/runs/${runId}/state?binIndex=" .. i)
end
`,
  );

  const snapshotPath = `/v1/runs/${runId}/state?binIndex=144`;
  const etag = (await fetch(base + snapshotPath).then(async (r) => {
    await r.body?.cancel();
    return r.headers.get("etag");
  }))!;
  const revalidated = await fetch(base + snapshotPath, { headers: { "if-none-match": etag } });
  await revalidated.body?.cancel();
  if (revalidated.status !== 304) throw new Error(`If-None-Match got ${revalidated.status}`);
  const targets: Array<{ label: string; run: () => ReturnType<typeof wrk>; floor?: string }> = [
    { label: "GET /healthz", run: () => wrk(`${base}/healthz`) },
    {
      label: "GET /state, varied bins",
      run: () => wrk(base, { script: stateScript }),
      floor: "GET /healthz",
    },
    {
      label: "GET /state, If-None-Match -> 304",
      run: () => wrk(base + snapshotPath, { headers: [`If-None-Match: ${etag}`] }),
      floor: "GET /healthz",
    },
    {
      label: `bare Deno.serve, ${windowBytes.length} bytes`,
      run: () => wrk(`http://127.0.0.1:${barePort}/`),
    },
    {
      label: `GET /state_window 0..${BINS - 1}`,
      run: () => wrk(base + windowPath),
      floor: `bare Deno.serve, ${windowBytes.length} bytes`,
    },
  ];
  const results = new Map<string, Array<Awaited<ReturnType<typeof wrk>>>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const r = await t.run();
      if (!results.has(t.label)) results.set(t.label, []);
      results.get(t.label)!.push(r);
    }
  }
  const rss = await rssMb(server.pid);
  const rows = [[
    "target",
    "req/s (median)",
    "rounds",
    "p50",
    "p99",
    "non-2xx",
    "ratio to floor (median of rounds)",
  ]];
  for (const t of targets) {
    const rs = results.get(t.label)!;
    const rps = median(rs.map((r) => r.rps));
    // each round's figure against the floor measured just before it, then the median
    const floors = t.floor ? results.get(t.floor)! : undefined;
    const floor = floors ? median(rs.map((r, i) => r.rps / floors[i].rps)) : undefined;
    const mid = rs.find((r) => r.rps === rps) ?? rs[0];
    rows.push([
      t.label,
      rps.toFixed(0),
      rs.map((r) => r.rps.toFixed(0)).join(" "),
      mid.p50,
      mid.p99,
      String(rs.reduce((a, r) => a + r.non2xx, 0)),
      floor !== undefined ? `${(floor * 100).toFixed(1)}% of ${t.floor}` : "(floor)",
    ]);
  }
  console.log(
    `serve: run of ${SERVICES} services x ${BINS} bins; wrk 2 threads, 32 connections, ${SECONDS} s x ${ROUNDS} rounds interleaved; request log to a file`,
  );
  console.log(table(rows));
  console.log(`server RSS after the window load: ${rss.toFixed(1)} MB`);
  await streamedWindow(work);
} finally {
  for (const c of children) {
    try {
      c.kill("SIGTERM");
    } catch { /* gone */ }
    await c.status;
  }
  if (!Deno.env.get("BENCH_KEEP")) await Deno.remove(work, { recursive: true });
}
