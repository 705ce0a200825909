// The smaller holes, each closed: an answer about unknown parameters stays small however many
// are sent; impossible dates are refused, not shifted; a string parameter cannot put names or
// calls into an expression; HEAD carries the GET body's length; a path that exists with other
// methods answers 405 with Allow.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { startServer } from "../../server/listen.ts";
import { isValidUtc } from "../../lib/base/clock.ts";
import { copyTree, ROOT, tempDir } from "../_helpers.ts";
import { head, RawConnection } from "../_raw_client.ts";

const RUN = "run_deterministic_e673448a";

function json(app: ReturnType<typeof createApp>, path: string, body: unknown) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

Deno.test("a 1 MiB body of unknown parameters gets a small 422: the parameter list once, 20 names", async () => {
  const app = createApp({ templatesDir: join(ROOT, "templates"), logger: false });
  const entries: string[] = [];
  for (let size = 2, i = 0; size < 1_000_000; i++) {
    const entry = `"unknown_parameter_${i}": ${i}`;
    entries.push(entry);
    size += entry.length + 1;
  }
  const body = `{${entries.join(",")}}`;
  assert.ok(body.length <= 1024 * 1024);
  const res = await json(app, "/api/v1/templates/http-service/generate", body);
  assert.equal(res.status, 422);
  const text = await res.text();
  assert.ok(text.length < 16_000, `${text.length} bytes`);
  const details = JSON.parse(text).details as Array<{ parameter: string; message: string }>;
  assert.equal(details.length, 21);
  assert.match(details[0].message, /is not a parameter of this template \(parameters: bins, /);
  assert.equal(details.filter((d) => /parameters: /.test(d.message)).length, 1);
  assert.match(details[20].message, /^\d+ more names are not parameters of this template$/);
});

Deno.test("impossible dates are refused everywhere a timestamp is read, real ones kept", async () => {
  for (
    const t of [
      "2025-02-30T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2025-10-07T24:00:00Z",
      "9999-01-01T00:00:00Z",
      "2025-04-31T00:00:00Z",
      "2025-10-07T23:59:60Z",
    ]
  ) {
    assert.equal(isValidUtc(t), false, t);
  }
  for (
    const t of [
      "2024-02-29T00:00:00Z",
      "2025-12-31T23:59:59Z",
      "2025-10-07T00:00:00+00:00",
      "1999-01-01T00:00Z",
    ]
  ) {
    assert.equal(isValidUtc(t), true, t);
  }
  const data = (await tempDir("dates")).path;
  try {
    await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
    const app = createApp({ dataDir: data, templatesDir: join(ROOT, "templates"), logger: false });
    const created = await json(app, "/v1/runs", {
      templateId: "http-service",
      options: { createdAt: "2025-02-30T00:00:00Z" },
    });
    assert.equal(created.status, 400);
    assert.match(
      (await created.json()).error,
      /createdAt.*not an ISO 8601 UTC timestamp of a real date/,
    );
    const start = await json(app, "/v1/runs", {
      templateId: "http-service",
      parameters: { start: "2025-10-07T24:00:00Z" },
    });
    assert.equal(start.status, 422);
    assert.match(JSON.stringify(await start.json()), /start/);
    const captured = await json(app, "/v1/telemetry/captures", {
      runId: RUN,
      capturedAt: "9999-01-01T00:00:00Z",
    });
    assert.equal(captured.status, 400);
    assert.deepEqual([...Deno.readDirSync(join(data, "runs"))].map((e) => e.name), [RUN]);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a string parameter cannot place references or calls into an expression", async () => {
  const dir = (await tempDir("inject")).path;
  try {
    await Deno.writeTextFile(
      join(dir, "inject.yaml"),
      `schemaVersion: 1
metadata:
  id: inject
  title: Inject
  version: 1.0.0
parameters:
  - name: factor
    type: string
    default: "2"
grid:
  bins: 3
  binSize: 5
  binUnit: minutes
nodes:
  - id: secret
    kind: const
    values: [1, 2, 3]
  - id: arrivals
    kind: const
    values: [4, 5, 6]
  - id: scaled
    kind: expr
    expr: "arrivals * \${factor}"
`,
    );
    const app = createApp({ templatesDir: dir, logger: false });
    for (const factor of ["secret", "MAX(secret, 1000)", "2"]) {
      const res = await json(app, "/api/v1/templates/inject/generate", { factor });
      assert.equal(res.status, 422, factor);
      const body = await res.json();
      assert.equal(body.code, "invalid_parameters");
      assert.match(
        body.details[0].message,
        /is used in the expression nodes\[2\]\.expr, where only numbers may go, but it is a string/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HEAD carries the GET body's length, in-process and through the connection layer", async () => {
  const data = (await tempDir("head")).path;
  try {
    await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
    const path = `/v1/runs/${RUN}/model`;
    const app = createApp({ dataDir: data, logger: false });
    const get = await app.request(path);
    const length = (await get.arrayBuffer()).byteLength;
    assert.ok(length > 100);
    const headRes = await app.request(path, { method: "HEAD" });
    assert.equal(headRes.headers.get("content-length"), String(length));
    await using server = startServer({ port: 0, dataDir: data, logger: false });
    const c = await RawConnection.open(server.addr.port);
    try {
      await c.send(head(`HEAD ${path} HTTP/1.1`, "Host: t"));
      const r = await c.response({ head: true });
      assert.equal(r?.status, 200);
      assert.equal(r?.headers.get("content-length"), String(length));
      // The connection stays in step: the next answer is read right after the head.
      await c.send(head("GET /healthz HTTP/1.1", "Host: t"));
      assert.equal((await c.response())?.status, 200);
    } finally {
      c.close();
    }
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a method a path does not take is 405 with Allow; an unknown path stays 404", async () => {
  const app = createApp({ logger: false });
  const cases: Array<[string, string, string]> = [
    ["DELETE", "/v1/runs", "GET, HEAD, POST"],
    ["PUT", "/v1/runs/x/state", "GET, HEAD"],
    ["GET", "/v1/telemetry/captures", "POST"],
    ["PATCH", "/api/v1/templates/x/generate", "POST"],
  ];
  for (const [method, path, allow] of cases) {
    const res = await app.request(path, { method });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get("allow"), allow);
    assert.equal((await res.json()).code, "method_not_allowed");
  }
  const unknown = await app.request("/v2/nothing", { method: "DELETE" });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get("allow"), null);
});
