// End to end: the real `flowtime serve` on 127.0.0.1 with a free port, allowed to read only its
// data folder, queried with fetch and raw HTTP; its answers equal `flowtime state` byte for byte.
// The server is a real process because its read confinement is Deno's --allow-read; the
// `flowtime state` side runs in-process.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertMatchesSchema, cli, keepUntilUnload, moduleTempDir, ROOT } from "../_helpers.ts";
import { type ServerProcess, spawnServer } from "../_server_process.ts";
import { dataDirWith, fixtureRun, QUEUE_BUFFER_RUN, runTelemetryGaps } from "../state/_runs.ts";

// The server may read only `dataDir`: any attempt to touch a file outside it fails with
// NotCapable and would surface as a 500, which the tests below never accept.
function startServer(
  dataDir: string,
  entry: string[] = ["cli.ts", "serve"],
): Promise<ServerProcess> {
  return spawnServer({
    flags: [`--allow-read=${dataDir}`, "--allow-net=127.0.0.1", "--allow-env"],
    entry,
    env: { FLOWTIME_DATA_DIR: dataDir },
  });
}

async function rawGet(port: number, target: string): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    ),
  );
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  const text = new TextDecoder().decode(
    chunks.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array()),
  );
  return { status: Number(text.split(" ")[1]), text };
}

// Layout: <root>/data/runs/{queue-buffer, telemetry-gaps}; a complete run copy outside the data
// folder at <root>/outside/runs/<queue-buffer> is the canary.
const outside = keepUntilUnload(await dataDirWith(QUEUE_BUFFER_RUN));
const root = await moduleTempDir("e2e-state");
const data = join(root, "data");
await Deno.mkdir(join(data, "runs"), { recursive: true });
await new Deno.Command("cp", {
  args: ["-r", fixtureRun(QUEUE_BUFFER_RUN), join(data, "runs", QUEUE_BUFFER_RUN)],
}).output();
const tg = await runTelemetryGaps(join(data, "runs"));
const relOutside = join("..", "..", "..", outside.split("/").pop()!, "runs", QUEUE_BUFFER_RUN);

Deno.test({
  name: "e2e: the real server answers state queries; CLI and server JSON are identical",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer(data);
    try {
      const health = await fetch(`${server.base}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const cases: Array<[string, string, string[]]> = [
        [QUEUE_BUFFER_RUN, "state?binIndex=5", ["--bin", "5"]],
        [QUEUE_BUFFER_RUN, "state_window?startBin=0&endBin=11", ["--window", "0:11"]],
        [tg.runId, "state?binIndex=2", ["--bin", "2"]],
        [tg.runId, "state_window?startBin=1&endBin=4", ["--window", "1:4"]],
      ];
      for (const [runId, query, flags] of cases) {
        const res = await fetch(`${server.base}/v1/runs/${runId}/${query}`);
        assert.equal(res.status, 200, query);
        const served = await res.text();
        const state = await cli(["state", "--run-dir", join(data, "runs", runId), ...flags]);
        assert.equal(state.code, 0, state.stderr);
        assert.equal(
          state.stdout,
          served,
          `${runId} ${query}: CLI output differs from the server's`,
        );
        assertMatchesSchema("time-travel-state", JSON.parse(served), `${runId} ${query}`);
      }
      const golden = await Deno.readTextFile(
        join(ROOT, "fixtures/state/telemetry-gaps/state_bin_2.json"),
      );
      assert.equal(
        await (await fetch(`${server.base}/v1/runs/${tg.runId}/state?binIndex=2`)).text(),
        golden,
      );
    } finally {
      await server.stop();
    }
    const logs = server.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const stateLogs = logs.filter((l) => l.query === "state" && l.runId === QUEUE_BUFFER_RUN);
    assert.equal(stateLogs.length, 1);
    assert.equal(stateLogs[0].event, "request");
    assert.equal(stateLogs[0].mode, "simulation");
    assert.equal(stateLogs[0].binIndex, 5);
    assert.equal(stateLogs[0].status, 200);
    assert.equal(typeof stateLogs[0].durationMs, "number");
  },
});

Deno.test({
  name: "e2e: traversal vectors never reach a run outside the data folder (read-confined server)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer(data);
    try {
      const enc = (s: string) => s.replaceAll("/", "%2F");
      const viaFetch = [
        `/v1/runs/${enc(relOutside)}/state?binIndex=0`,
        `/v1/runs/${enc(relOutside).replaceAll(".", "%2e")}/state?binIndex=0`,
        `/v1/runs/${enc(relOutside).replaceAll("%2F", "%252F")}/state?binIndex=0`,
        `/v1/runs/${relOutside.replaceAll("/", "%5C")}/model`,
        `/v1/runs/%2e%2e/index`,
        `/v1/runs/${QUEUE_BUFFER_RUN}%00/state?binIndex=0`,
        `/v1/runs/${QUEUE_BUFFER_RUN}/series/${enc("../../../" + outside.split("/").pop())}`,
      ];
      for (const path of viaFetch) {
        const res = await fetch(`${server.base}${path}`);
        const body = await res.json();
        assert.ok(
          [400, 404].includes(res.status),
          `${path}: ${res.status} ${JSON.stringify(body)}`,
        );
        assert.deepEqual(Object.keys(body), ["error", "code"], path);
      }
      // Raw request targets, not normalised by a client.
      for (
        const target of [
          `/v1/runs/${relOutside}/state?binIndex=0`,
          `/v1/runs/%2e%2e/%2e%2e/%2e%2e/state?binIndex=0`,
          `/v1/runs/..%2f..%2f..%2f/model`,
        ]
      ) {
        const { status, text } = await rawGet(server.port, target);
        assert.ok([400, 404].includes(status), `${target}: ${text}`);
        assert.ok(text.includes('"code":"'), `${target}: ${text}`);
      }
      // The canary is a valid run: the same server answers 200 for the run inside.
      const ok = await fetch(`${server.base}/v1/runs/${QUEUE_BUFFER_RUN}/state?binIndex=0`);
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    } finally {
      await server.stop();
    }
    assert.ok(
      !server.lines.some((l) => l.includes('"status":500')),
      `a request failed with 500:\n${server.lines.join("\n")}`,
    );
  },
});

Deno.test({
  name: "e2e: server.ts run as the main module (the serve task's entry) serves the state routes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer(data, ["server.ts"]);
    try {
      const res = await fetch(`${server.base}/v1/runs/${QUEUE_BUFFER_RUN}/state?binIndex=0`);
      assert.equal(res.status, 200);
      assert.equal(
        await res.text(),
        await Deno.readTextFile(join(ROOT, "fixtures/state/queue-buffer/state_bin_0.json")),
      );
    } finally {
      await server.stop();
    }
  },
});
