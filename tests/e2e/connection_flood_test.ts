// The real server under an open-file limit it cannot raise (`ulimit -n 256`), flooded with more
// idle connections than that limit, stalled 1 MiB request bodies and a burst of concurrent
// POST /v1/runs: it keeps running, answers /healthz and normal requests, stays within its
// stated memory bound, and logs no fault.
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, ROOT, tempDir } from "../_helpers.ts";
import { RawConnection } from "../_raw_client.ts";
import { type ServerProcess, spawnServer } from "../_server_process.ts";

const FD_LIMIT = 256;
const RUN = "run_deterministic_e673448a";
// docs/reliability.md: connection buffers at most 48 KiB each under the cap, request bodies at
// most 64 MiB together; what the app allocates answering requests comes on top.
const STATED_BOUND_MB = 64 + (512 * 48) / 1024 + 16;

async function rssMb(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

async function startFlooded(data: string): Promise<ServerProcess> {
  return await spawnServer({
    flags: [
      `--allow-read=${data},${join(ROOT, "templates")}`,
      `--allow-write=${data}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
    ],
    env: { FLOWTIME_DATA_DIR: data, FLOWTIME_TEMPLATES_DIR: join(ROOT, "templates") },
    fdLimit: FD_LIMIT,
  });
}

// A polite client: a 503 with Retry-After (every connection busy or just opened) is asked
// again after the time it names, up to 30 times.
async function politely(send: () => Promise<Response>): Promise<{ status: number; body: string }> {
  for (let attempt = 0;; attempt++) {
    const res = await send();
    const body = await res.text();
    const retry = Number(res.headers.get("retry-after"));
    if (res.status !== 503 || !retry || attempt >= 30) return { status: res.status, body };
    await new Promise((r) => setTimeout(r, retry * 1000));
  }
}

function get(base: string, path: string): Promise<{ status: number; body: string }> {
  return politely(() => fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) }));
}

function post(base: string, path: string, body: unknown) {
  return politely(() =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    })
  );
}

function faults(server: ServerProcess): string[] {
  return server.lines.filter((l) =>
    /"level":"error"|"status":5\d\d|internal error|Uncaught/.test(l)
  );
}

Deno.test({
  name: `flood: ${
    FD_LIMIT * 2
  } idle connections and 40 stalled 1 MiB bodies under ulimit -n ${FD_LIMIT}; the server answers and stays within its memory bound`,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const data = (await tempDir("flood")).path;
    await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
    const server = await startFlooded(data);
    const held: RawConnection[] = [];
    try {
      assert.equal((await get(server.base, "/healthz")).status, 200);
      assert.equal((await get(server.base, `/v1/runs/${RUN}/state?binIndex=3`)).status, 200);
      const before = await rssMb(server.pid);

      // More idle connections than the server has descriptors; some are closed by the server
      // to make room for later ones, which is what it should do.
      for (let i = 0; i < FD_LIMIT * 2; i++) held.push(await RawConnection.open(server.port));
      // Bodies that stop one byte short of their declared length.
      const body = new Uint8Array(1024 * 1024 - 1).fill(0x20);
      for (let i = 0; i < 40; i++) {
        const c = await RawConnection.open(server.port);
        held.push(c);
        await c.send(
          `POST /v1/telemetry/captures HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${
            body.length + 1
          }\r\n\r\n`,
        );
        await c.send(body).catch(() => {}); // closed by the server to make room
      }

      // Normal requests still get answers while all of that is held open.
      assert.equal((await get(server.base, "/healthz")).status, 200);
      const state = await get(server.base, `/v1/runs/${RUN}/state?binIndex=3`);
      assert.equal(state.status, 200, state.body);
      const dry = await post(server.base, "/v1/telemetry/captures", { runId: RUN, dryRun: true });
      assert.equal(dry.status, 200, dry.body);
      const after = await rssMb(server.pid);
      if (Deno.env.get("FLOWTIME_TEST_VERBOSE")) {
        console.log(`RSS ${before.toFixed(1)} MB -> ${after.toFixed(1)} MB`);
      }
      assert.ok(
        after - before <= STATED_BOUND_MB,
        `memory grew ${(after - before).toFixed(1)} MB, more than ${STATED_BOUND_MB} MB`,
      );
      const cap = server.lines.map((l) => /"event":"connection_cap","cap":(\d+)/.exec(l)?.[1])
        .find((c) => c !== undefined);
      assert.ok(Number(cap) < FD_LIMIT / 2, `the cap fits the open-file limit: ${cap}`);
      assert.ok(
        server.lines.some((l) => /"event":"connections".*"evicted":[1-9]/.test(l)),
        `the server made room and said so:\n${server.lines.slice(-5).join("\n")}`,
      );
    } finally {
      for (const c of held) c.close();
      await server.stop();
      await Deno.remove(data, { recursive: true });
    }
    assert.deepEqual(faults(server), [], "no fault logged");
    assert.equal((await server.status).code, 143, "it was still running when stopped (SIGTERM)");
  },
});

Deno.test({
  name:
    `flood: 400 concurrent POST /v1/runs under ulimit -n ${FD_LIMIT} get 201 or 503, never a 500; the server keeps serving`,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const data = (await tempDir("flood-runs")).path;
    const server = await startFlooded(data);
    const outcomes = new Map<string, number>();
    try {
      const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
      await Promise.all(Array.from({ length: 400 }, async (_, i) => {
        let outcome: string;
        try {
          const res = await fetch(`${server.base}/v1/runs`, {
            method: "POST",
            client,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              templateId: "http-service",
              options: { createdAt: "2025-10-07T00:00:00Z" },
              parameters: { bins: 12 + (i % 5) },
            }),
            signal: AbortSignal.timeout(120_000),
          });
          const body = await res.json();
          outcome = `${res.status}${res.status >= 500 ? ` ${body.code}` : ""}`;
        } catch (err) {
          if (Deno.env.get("FLOWTIME_TEST_VERBOSE")) console.log(String(err).slice(0, 200));
          outcome = "closed"; // closed to make room before the request was read
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }));
      client.close();
      if (Deno.env.get("FLOWTIME_TEST_VERBOSE")) console.log(Object.fromEntries(outcomes));
      for (const outcome of outcomes.keys()) {
        assert.match(outcome, /^(201|503 server_busy|503 resources_exhausted|closed)$/);
      }
      assert.ok((outcomes.get("201") ?? 0) > 0, JSON.stringify(Object.fromEntries(outcomes)));
      assert.equal((await get(server.base, "/healthz")).status, 200);
      const list = await get(server.base, "/v1/runs");
      assert.equal(JSON.parse(list.body).runs.length, outcomes.get("201"));
    } finally {
      await server.stop();
      await Deno.remove(data, { recursive: true });
    }
    const unexpected = faults(server).filter((l) => !/"status":503/.test(l));
    assert.deepEqual(unexpected, [], "no fault logged");
  },
});
