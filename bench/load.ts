// Load test: starts the real server on loopback and drives 100 concurrent connections for 20 s
// against /state and /state_window (autocannon), while a probe keeps calling /healthz, then
// asks for 1,000-bin windows and checks /healthz still answers. Prints requests/s, p50/p99,
// errors, 5xx count and server memory before and after; exits 1 if a criterion fails.
//
// Run: deno task bench bench/load.ts   (LOAD_SECONDS, LOAD_CONNECTIONS override 20 and 100)
import autocannon from "npm:autocannon@8.0.0";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticModel } from "../scripts/synthetic_model.ts";
import { runModelFile } from "../lib/workflow/run_model.ts";
import { startServerProcess } from "./_harness.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const SECONDS = Number(Deno.env.get("LOAD_SECONDS") ?? "20");
const CONNECTIONS = Number(Deno.env.get("LOAD_CONNECTIONS") ?? "100");
const BINS = 1440;

// Resident memory of another process. Deno only lets a fully privileged process read another
// process's /proc entry, so ask `ps` (procps) instead.
async function rssMb(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "rss=", "-p", String(pid)],
    stdout: "piped",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Call /healthz every `everyMs` until stopped; collect latencies and failures. */
function healthProbe(base: string, everyMs: number) {
  const latencies: number[] = [];
  let failures = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
        await res.body?.cancel();
        if (!res.ok) failures++;
      } catch {
        failures++;
      }
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        count: latencies.length,
        failures,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted.at(-1) ?? 0,
      };
    },
  };
}

const work = join(ROOT, ".tmp", `load-${Date.now()}`);
await Deno.mkdir(join(work, "data", "runs"), { recursive: true });
const modelPath = join(work, "model.yaml");
await Deno.writeTextFile(modelPath, syntheticModel(50, BINS));
const written = await runModelFile(modelPath, {
  runsDir: join(work, "data", "runs"),
  deterministic: true,
});
const runId = written.runId;

const server = await startServerProcess(ROOT, join(work, "data"));
const base = server.base;
let failed = false;
try {
  // The request mix: random snapshot bins and windows up to 288 bins wide.
  let seq = 0;
  const mixed = [{
    setupRequest: (req: Record<string, unknown>) => {
      const n = seq++;
      if (n % 2 === 0) {
        return { ...req, path: `/v1/runs/${runId}/state?binIndex=${(n * 7919) % BINS}` };
      }
      const start = (n * 104729) % (BINS - 288);
      return {
        ...req,
        path: `/v1/runs/${runId}/state_window?startBin=${start}&endBin=${start + ((n * 31) % 288)}`,
      };
    },
  }];
  // Warm up at full concurrency: the first request parses the run, and V8 grows its heap to
  // the working set of 100 concurrent responses. "Before" is that steady state, so the
  // comparison shows growth during the load (a leak), not the heap reaching its working size.
  const warmup = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: Math.max(3, Math.round(SECONDS / 4)),
    requests: mixed,
  });
  const memBefore = await rssMb(server.child.pid);

  // Phase 1: 100 connections for the full duration, /healthz probed meanwhile.
  const health1 = healthProbe(base, 50);
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: mixed,
  });
  const h1 = await health1.stop();

  // Phase 2: 1,000-bin windows back to back on 4 connections while /healthz is probed.
  const health2 = healthProbe(base, 20);
  const big = await autocannon({
    url: `${base}/v1/runs/${runId}/state_window?startBin=100&endBin=1099`,
    connections: 4,
    duration: Math.max(5, Math.round(SECONDS / 4)),
  });
  const h2 = await health2.stop();

  // Let the collector settle before the "after" reading.
  await new Promise((r) => setTimeout(r, 2000));
  const memAfter = await rssMb(server.child.pid);

  const status5xx = (warmup["5xx"] ?? 0) + (result["5xx"] ?? 0) + (big["5xx"] ?? 0);
  const errors = warmup.errors + warmup.timeouts + result.errors + result.timeouts + big.errors +
    big.timeouts;
  const growth = (memAfter - memBefore) / memBefore;
  console.log(
    `load: ${CONNECTIONS} connections x ${SECONDS} s against /state and /state_window (run of 50 nodes x ${BINS} bins)`,
  );
  console.log(
    `  requests        ${result.requests.total} (${result.requests.average.toFixed(0)} req/s)`,
  );
  console.log(
    `  latency         p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  console.log(
    `  errors          ${errors} (connection errors + timeouts), non-2xx ${
      result.non2xx + big.non2xx
    }, 5xx ${status5xx}`,
  );
  console.log(
    `  /healthz        ${h1.count} probes during the load, ${h1.failures} failed, p50 ${
      h1.p50.toFixed(1)
    } ms, p99 ${h1.p99.toFixed(1)} ms, max ${h1.max.toFixed(1)} ms`,
  );
  console.log(
    `  1,000-bin windows: ${big.requests.total} (${
      big.requests.average.toFixed(1)
    } req/s, p50 ${big.latency.p50} ms, p99 ${big.latency.p99} ms)`,
  );
  console.log(
    `  /healthz meanwhile: ${h2.count} probes, ${h2.failures} failed, p50 ${
      h2.p50.toFixed(1)
    } ms, p99 ${h2.p99.toFixed(1)} ms, max ${h2.max.toFixed(1)} ms`,
  );
  console.log(
    `  server RSS      after warm-up ${memBefore.toFixed(1)} MB, after the load ${
      memAfter.toFixed(1)
    } MB (${(growth * 100).toFixed(1)}%)`,
  );
  const checks: Array<[string, boolean]> = [
    ["0 errors", errors === 0],
    ["0 responses >= 500", status5xx === 0],
    ["all responses 2xx", result.non2xx + big.non2xx === 0],
    ["memory after within 20% of before", Math.abs(growth) <= 0.2],
    ["/healthz answered every probe", h1.failures === 0 && h2.failures === 0 && h2.count > 0],
  ];
  for (const [label, ok] of checks) console.log(`  ${ok ? "PASS" : "FAIL"} ${label}`);
  failed = checks.some(([, ok]) => !ok);
} finally {
  await server.stop();
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
if (failed) Deno.exitCode = 1;
