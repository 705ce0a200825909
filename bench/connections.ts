// Connection hygiene: what idle connections and stalled request bodies cost the server, that it
// keeps answering while they are held (also under `ulimit -n 256` with more connections than
// descriptors), and what its own connection layer costs against Deno.serve with the same app.
//
// Run: deno task bench bench/connections.ts   (BENCH_SECONDS overrides 5 s per throughput run)
import autocannon from "npm:autocannon@8.0.0";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess } from "./_harness.ts";
import { copyTree } from "../tests/_helpers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "5");
const RUN = "run_deterministic_e673448a";
const IDLE = 500;
const STALLED = 60;
const enc = new TextEncoder();

async function rssMb(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
}

async function openIdle(port: number, n: number): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < n; i++) {
    try {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    } catch {
      // refused by a full kernel queue: counted as not opened
    }
  }
  return conns;
}

async function openStalled(port: number, n: number): Promise<Deno.Conn[]> {
  const body = new Uint8Array(1024 * 1024 - 1).fill(0x20);
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < n; i++) {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    conns.push(c);
    try {
      await c.write(
        enc.encode(
          `POST /v1/telemetry/captures HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: ${
            body.length + 1
          }\r\n\r\n`,
        ),
      );
      for (let at = 0; at < body.length;) at += await c.write(body.subarray(at));
    } catch {
      // closed by the server to make room
    }
  }
  return conns;
}

// Probes as an ordinary HTTP client sends them: a GET whose kept-alive connection the server
// closed to make room (idle keep-alives go first) is sent again once on a new connection, and a
// 503 with Retry-After is asked again once after the delay. Such second tries are counted.
async function probe(base: string, n: number) {
  const times: number[] = [];
  let failed = 0;
  let retried = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    let ok = false;
    for (let attempt = 1; attempt <= 2 && !ok; attempt++) {
      if (attempt === 2) retried++;
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await res.body?.cancel();
        ok = res.ok;
        const wait = Number(res.headers.get("retry-after"));
        if (res.status === 503 && wait > 0) await new Promise((r) => setTimeout(r, wait * 1000));
        else if (!ok) break;
      } catch {
        // a connection closed by the server: try once more
      }
    }
    if (!ok) failed++;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { failed, retried, p50: times[Math.floor(n / 2)], max: times.at(-1)! };
}

function closeAll(conns: Deno.Conn[]): void {
  for (const c of conns) {
    try {
      c.close();
    } catch {
      // closed by the server
    }
  }
}

const work = join(ROOT, ".tmp", `bench-connections-${Date.now()}`);
const data = join(work, "data");
await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
let failed = false;
try {
  // 1. Memory per idle connection and per stalled body, and /healthz meanwhile.
  const server = await startServerProcess(ROOT, data);
  const port = Number(new URL(server.base).port);
  try {
    await probe(server.base, 20);
    await settle();
    const base = await rssMb(server.child.pid);
    const idle = await openIdle(port, IDLE);
    await settle();
    const withIdle = await rssMb(server.child.pid);
    const stalled = await openStalled(port, STALLED);
    await settle();
    const withStalled = await rssMb(server.child.pid);
    const held = await probe(server.base, 20);
    closeAll([...idle, ...stalled]);
    const perIdle = (withIdle - base) * 1024 / IDLE;
    const perBody = (withStalled - withIdle) / STALLED;
    console.log(`memory (default limits: cap 512, bodies 64 MiB together):`);
    console.log(`  idle server RSS                      ${base.toFixed(1)} MB`);
    console.log(
      `  + ${IDLE} idle connections            ${withIdle.toFixed(1)} MB (${
        perIdle.toFixed(1)
      } KB each)`,
    );
    console.log(
      `  + ${STALLED} bodies stalled 1 byte short   ${withStalled.toFixed(1)} MB (${
        perBody.toFixed(2)
      } MB each; at most 64 held)`,
    );
    console.log(
      `  /healthz while held                  20 probes, ${held.failed} failed (${held.retried} sent twice), p50 ${
        held.p50.toFixed(1)
      } ms, max ${held.max.toFixed(1)} ms`,
    );
    if (held.failed > 0 || perIdle > 48) failed = true;
  } finally {
    await server.stop();
  }

  // 2. More idle connections than descriptors: the server keeps running and answering.
  const limited = await startServerProcess(ROOT, data, { fdLimit: 256 });
  const lport = Number(new URL(limited.base).port);
  try {
    const idle = await openIdle(lport, 2000);
    const stalled = await openStalled(lport, 40);
    const held = await probe(limited.base, 20);
    const state = await fetch(`${limited.base}/v1/runs/${RUN}/state?binIndex=3`);
    await state.body?.cancel();
    const alive = await Promise.race([
      limited.child.status.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 500)),
    ]);
    console.log(`\nulimit -n 256, ${idle.length} idle connections and 40 stalled 1 MiB bodies:`);
    console.log(
      `  /healthz             20 probes, ${held.failed} failed (${held.retried} sent twice), p50 ${
        held.p50.toFixed(1)
      } ms, max ${held.max.toFixed(1)} ms`,
    );
    console.log(`  /state               ${state.status}`);
    console.log(`  server running       ${alive ? "yes" : "NO"}`);
    closeAll([...idle, ...stalled]);
    if (!alive || held.failed > 0 || state.status !== 200) failed = true;
  } finally {
    await limited.stop();
  }

  // 3. The connection layer's cost: the same app on Deno.serve.
  console.log(`\nthroughput, 50 connections x ${SECONDS} s (request log on):`);
  const rows: string[] = [];
  for (
    const [label, entry] of [
      ["own connection layer", undefined],
      ["Deno.serve", [join(ROOT, "bench/_deno_serve.ts")]],
    ] as const
  ) {
    const s = await startServerProcess(ROOT, data, { entry: entry ? [...entry] : undefined });
    try {
      for (const path of ["/healthz", `/v1/runs/${RUN}/state?binIndex=3`]) {
        const r = await autocannon({ url: `${s.base}${path}`, connections: 50, duration: SECONDS });
        rows.push(
          `  ${label.padEnd(22)} ${path.split("?")[0].padEnd(38)} ${
            r.requests.average.toFixed(0).padStart(6)
          } req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${
            r.errors + r.timeouts + r.non2xx
          }`,
        );
      }
    } finally {
      await s.stop();
    }
  }
  console.log(rows.join("\n"));
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
console.log(failed ? "  FAIL" : "  PASS: answered throughout, memory within the stated bounds");
if (failed) Deno.exitCode = 1;
