// The `flowtime` CLI: templates list/show/generate and run --template, with exit codes,
// messages naming parameters and files, and byte-identical deterministic template runs. The CLI
// runs in-process (`cli`); only the test of --sim-url without network permission spawns the
// real process, because it needs Deno's --allow-net sandbox.
import assert from "node:assert/strict";
import { join } from "node:path";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { toJsonText } from "../../lib/base/json.ts";
import { startServer } from "../../server/listen.ts";
import {
  assertSameTree,
  assertValidRunBundle,
  cli,
  readJsonFile,
  ROOT,
  runCli,
  tempDir,
} from "../_helpers.ts";

const EPOCH = { SOURCE_DATE_EPOCH: "1759795200" };

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("templates list prints every template, one per line", async () => {
  const r = await cli(["templates", "list"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    "http-service   1.0.0     HTTP Service\nmicroservices  1.0.0     Microservices\norder-system   1.0.0     Order System\n",
  );
});

Deno.test("templates list reports a broken template file with file and line, lists the others, exits 1", async () => {
  await using dirTmp = await tempDir("cli-list");
  const dir = dirTmp.path;
  await Deno.copyFile(join(ROOT, "templates/order-system.yaml"), join(dir, "order-system.yaml"));
  await Deno.writeTextFile(join(dir, "broken.yaml"), "schemaVersion: 1\nmetadata:\n  id: [\n");
  const r = await cli(["templates", "list"], { env: { FLOWTIME_TEMPLATES_DIR: dir } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "order-system  1.0.0     Order System\n");
  assert.match(r.stderr, new RegExp(`^error: ${join(dir, "broken.yaml")}:4: not valid YAML`));
});

Deno.test("templates show prints the parameters; --json prints the detail", async () => {
  const text = await cli(["templates", "show", "http-service"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^http-service 1\.0\.0: HTTP Service\n/);
  assert.match(
    text.stdout,
    /\n {2}instanceCounts \(array of integer, default \[3, 4\], 0\.\.10000\) - Healthy instance counts: /,
  );
  const json = await cli(["templates", "show", "order-system", "--json"]);
  const detail = JSON.parse(json.stdout);
  assert.equal(detail.id, "order-system");
  assert.deepEqual(detail.parameters.map((p: { name: string }) => p.name).slice(0, 3), [
    "bins",
    "binSize",
    "start",
  ]);
});

Deno.test("templates show of an unknown template exits 1 naming the available ones", async () => {
  const r = await cli(["templates", "show", "orders"]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^error: no template 'orders' in \.\/templates \(available: http-service, microservices, order-system\)/,
  );
});

Deno.test("templates generate writes the same model bytes as the library, with --params and typed --param", async () => {
  await using dirTmp = await tempDir("cli-gen");
  const dir = dirTmp.path;
  await Deno.writeTextFile(join(dir, "p.yaml"), "bins: 8\nerrorRate: 0.01\n");
  const r = await cli([
    "templates",
    "generate",
    "http-service",
    "--params",
    join(dir, "p.yaml"),
    "--param",
    "instanceCounts=[2,3]",
    "--param",
    "errorRate=0.02",
    "--out",
    join(dir, "model.yaml"),
    "--provenance",
    join(dir, "provenance.json"),
  ], { env: EPOCH });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `model http-service 1.0.0 (simulation) written to ${join(dir, "model.yaml")}, provenance to ${
      join(dir, "provenance.json")
    }\n`,
  );
  const expected = await new InProcessSimClient(join(ROOT, "templates"), {
    generatedAt: "2025-10-07T00:00:00Z",
  })
    .generate("http-service", { parameters: { bins: 8, errorRate: 0.02, instanceCounts: [2, 3] } });
  assert.equal(await Deno.readTextFile(join(dir, "model.yaml")), expected.model);
  assert.equal(
    await Deno.readTextFile(join(dir, "provenance.json")),
    toJsonText(expected.provenance),
  );
});

Deno.test("templates generate without --out prints the model", async () => {
  const r = await cli(["templates", "generate", "order-system", "--param", "bins=2"], {
    env: EPOCH,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^schemaVersion: 1\nmode: simulation\n/);
  assert.match(r.stdout, /\n {2}inputHash: sha256:[0-9a-f]{64}\n$/);
});

Deno.test("templates generate --mode telemetry uses telemetryDir in every source", async () => {
  const r = await cli([
    "templates",
    "generate",
    "order-system",
    "--mode",
    "telemetry",
    "--param",
    "telemetryDir=capture",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^mode: telemetry$/m);
  assert.equal(
    [...r.stdout.matchAll(/source: capture\/(OrderService|PaymentService)_\w+\.csv/g)].length,
    8,
  );
});

Deno.test("a --param that does not fit its declared type exits 1 naming the parameter", async () => {
  const r = await cli(["templates", "generate", "order-system", "--param", "bins=abc"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "error: parameter bins: 'abc' is not a whole number\n");
});

Deno.test("out-of-range and undeclared parameters exit 1 naming them", async () => {
  const r = await cli(
    [
      "templates",
      "generate",
      "order-system",
      "--param",
      "orderErrorRate=1.5",
      "--param",
      "colour=red",
      "--verbose",
    ],
  );
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^error: template order-system: parameter 'colour' is not a parameter of this template/,
  );
  assert.match(r.stderr, /\n {2}orderErrorRate: 1\.5 is above the maximum 1 \(allowed: 0\.\.1\)\n/);
});

Deno.test("a bad --mode and --param without '=' are usage errors (exit 2)", async () => {
  assert.equal((await cli(["templates", "generate", "order-system", "--mode", "live"])).code, 2);
  assert.equal(
    (await cli(["templates", "generate", "order-system", "--param", "bins"])).code,
    2,
  );
});

Deno.test("--sim-url to a service that is down exits 1 with a clear message", async () => {
  const port = closedPort();
  const r = await cli(["templates", "list", "--sim-url", `http://127.0.0.1:${port}`]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^error: cannot reach Sim service http://127\\.0\\.0\\.1:${port} \\(.*\\); give --sim-url or set FLOWTIME_SIM_URL to use a Sim service that is running`,
    ),
  );
});

Deno.test("--sim-url without network permission says which --allow-net to add", async () => {
  const port = closedPort();
  const r = await runCli(["templates", "list", "--sim-url", `http://127.0.0.1:${port}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`run with --allow-net=127\\.0\\.0\\.1:${port}`));
});

Deno.test("the CLI over --sim-url lists through the real server, broken files included", async () => {
  await using dirTmp = await tempDir("cli-http");
  const dir = dirTmp.path;
  await Deno.copyFile(join(ROOT, "templates/http-service.yaml"), join(dir, "http-service.yaml"));
  await Deno.writeTextFile(join(dir, "broken.yaml"), "schemaVersion: 1\nmetadata:\n  id: [\n");
  const server = startServer({
    port: 0,
    logger: false,
    templatesDir: dir,
    dataDir: join(dir, "data"),
  });
  const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  try {
    const r = await cli(["templates", "list", "--sim-url", url]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "http-service  1.0.0     HTTP Service\n");
    assert.match(r.stderr, new RegExp(`^error: broken\\.yaml \\(on ${url}\\):4: not valid YAML`));
  } finally {
    await server.shutdown();
  }
});

Deno.test("run --template order-system --deterministic twice gives byte-identical, valid bundles", async () => {
  await using dirTmp = await tempDir("cli-run");
  const dir = dirTmp.path;
  const ids: string[] = [];
  for (const out of ["a", "b"]) {
    const r = await cli(
      ["run", "--template", "order-system", "--deterministic", "--out", join(dir, out), "--json"],
      { env: EPOCH },
    );
    assert.equal(r.code, 0, r.stderr);
    ids.push(JSON.parse(r.stdout).runId);
  }
  assert.equal(ids[0], ids[1]);
  assert.match(ids[0], /^run_order-system_[0-9a-f]{16}$/);
  await assertSameTree(join(dir, "a", ids[0]), join(dir, "b", ids[0]));
  const run = join(dir, "a", ids[0]);
  await assertValidRunBundle(run);
  const provenance = await readJsonFile<Record<string, unknown>>(
    join(run, "model/provenance.json"),
  );
  assert.equal(ids[0], `run_order-system_${String(provenance.inputHash).slice(7, 23)}`);
  const meta = await readJsonFile<Record<string, unknown>>(join(run, "model/metadata.json"));
  assert.deepEqual(
    [meta.templateId, meta.templateTitle, meta.templateVersion, meta.generatedAtUtc],
    ["order-system", "Order System", "1.0.0", "2025-10-07T00:00:00Z"],
  );
  assert.deepEqual(meta.parameters, provenance.parameters);
});

Deno.test("run --template with --created-at pins both createdUtc and generatedAt", async () => {
  await using dirTmp = await tempDir("cli-run");
  const dir = dirTmp.path;
  const r = await cli([
    "run",
    "--template",
    "http-service",
    "--param",
    "bins=4",
    "--deterministic",
    "--created-at",
    "2025-01-02T03:04:05Z",
    "--out",
    dir,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const run = join(dir, JSON.parse(r.stdout).runId);
  assert.equal((await readJsonFile(join(run, "run.json"))).createdUtc, "2025-01-02T03:04:05Z");
  assert.equal(
    (await readJsonFile(join(run, "model/provenance.json"))).generatedAt,
    "2025-01-02T03:04:05Z",
  );
});

Deno.test("run --template in telemetry mode without a capture folder is a usage error (exit 2)", async () => {
  const r = await cli(["run", "--template", "order-system", "--mode", "telemetry"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--mode telemetry needs --telemetry-dir <capture folder>/);
  const simulation = await cli([
    "run",
    "--template",
    "order-system",
    "--mode",
    "simulation",
    "--telemetry-dir",
    "x",
  ]);
  assert.equal(simulation.code, 2);
  assert.match(simulation.stderr, /--telemetry-dir replays a capture, which is telemetry mode/);
});

Deno.test("--telemetry-dir alone means telemetry mode: the capture folder is looked for", async () => {
  await using dataTmp = await tempDir("implied-telemetry");
  const r = await cli(["run", "--template", "order-system", "--telemetry-dir", "nowhere"], {
    env: { FLOWTIME_DATA_DIR: dataTmp.path },
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: capture folder .*nowhere does not exist/);
});

Deno.test("run needs exactly one of --model and --template", async () => {
  assert.equal((await cli(["run"])).code, 2);
  const both = await cli(["run", "--model", "m.yaml", "--template", "order-system"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give either --model or --template, not both/);
  const stray = await cli([
    "run",
    "--model",
    "fixtures/models/queue-buffer.yaml",
    "--param",
    "bins=3",
  ]);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /--param applies to --template runs only/);
});
