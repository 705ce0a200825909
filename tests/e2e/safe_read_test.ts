// Every file read from a run or capture folder is a regular file inside that folder and no
// larger than its kind allows. On every read path, over HTTP and in the CLI, a file replaced by
// a link to a secret outside the data folder, a link to /dev/zero, a named pipe or an oversized
// file is refused with a 4xx (exit 1) naming the file: the secret never appears in an answer,
// the pipe is never opened (the request would hang), /dev/zero is never read.
import { MAX_YAML_BYTES } from "../../lib/base/located_yaml.ts";
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { createApp } from "../../server/app.ts";
import { startServer } from "../../server/listen.ts";
import { hashOf } from "../../lib/base/hash.ts";
import { cli, FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";
import { copyTree } from "../_helpers.ts";

const RUN = "run_deterministic_e673448a";
const SERIES = "series/order_arrivals@ORDER_ARRIVALS@DEFAULT.csv";
const SECRET = "CANARY-SECRET-4f1c";

type Variant = "link out" | "/dev/zero" | "named pipe" | "oversize";
const VARIANTS: Variant[] = ["link out", "/dev/zero", "named pipe", "oversize"];

async function sh(cmd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stderr: "piped" }).output();
  assert.ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

/** Replace a file with the variant (the secret sits next to the data folder). */
async function plant(path: string, variant: Variant, secret: string, size: number): Promise<void> {
  await Deno.remove(path);
  if (variant === "link out") await sh("ln", "-s", secret, path);
  else if (variant === "/dev/zero") await sh("ln", "-s", "/dev/zero", path);
  else if (variant === "named pipe") await sh("mkfifo", path);
  else await sh("truncate", "-s", String(size), path);
}

async function layout() {
  const base = (await tempDir("safe-read")).path;
  const data = join(base, "data");
  await copyTree(join(ROOT, "fixtures/runs", RUN), join(data, "runs", RUN));
  const secret = join(base, "secret.txt");
  await Deno.writeTextFile(secret, `${SECRET}\nbin_index,value\n0,1\n`);
  return { base, data, secret, run: join(data, "runs", RUN) };
}

// Refused within 30 s with the expected status (a FIFO opened would hang instead).
async function answered(res: Promise<Response>, what: string): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in 30 s`)), 30_000);
  });
  try {
    return await Promise.race([res, late]);
  } finally {
    clearTimeout(timer);
  }
}

// The HTTP read paths of a run folder: [label, file replaced, request, size, body, method].
const RUN_PATHS: Array<[string, string, string, number, string?, string?]> = [
  ["GET /v1/runs/{id}", "run.json", `/v1/runs/${RUN}`, 16 * 1024 * 1024 + 1],
  ["GET /v1/runs/{id}/model", "model/model.yaml", `/v1/runs/${RUN}/model`, MAX_YAML_BYTES + 1],
  [
    "GET /v1/runs/{id}/series/{sid}",
    SERIES,
    `/v1/runs/${RUN}/series/order_arrivals`,
    64 * 1024 + 12 * 128 + 1,
  ],
  ["GET /v1/runs/{id}/state", SERIES, `/v1/runs/${RUN}/state?binIndex=3`, 64 * 1024 + 12 * 128 + 1],
  [
    "GET /v1/runs/{id}/state_window",
    SERIES,
    `/v1/runs/${RUN}/state_window?startBin=0&endBin=3`,
    64 * 1024 + 12 * 128 + 1,
  ],
  ["GET /v1/runs/{id}/graph", "model/model.yaml", `/v1/runs/${RUN}/graph`, MAX_YAML_BYTES + 1],
  [
    "GET /v1/runs/{id}/openmetrics",
    SERIES,
    `/v1/runs/${RUN}/openmetrics`,
    64 * 1024 + 12 * 128 + 1,
  ],
  ["GET /v1/runs/{id}/index", "series/index.json", `/v1/runs/${RUN}/index`, 16 * 1024 * 1024 + 1],
  [
    "DELETE /v1/runs/{id}",
    "run.json",
    `/v1/runs/${RUN}`,
    16 * 1024 * 1024 + 1,
    undefined,
    "DELETE",
  ],
  [
    "POST /v1/telemetry/captures",
    SERIES,
    "/v1/telemetry/captures",
    64 * 1024 + 12 * 128 + 1,
    JSON.stringify({ runId: RUN, dryRun: true }),
  ],
];

for (const variant of VARIANTS) {
  Deno.test(`HTTP: a run file that is ${variant === "oversize" ? "oversized" : `a ${variant}`} is refused on every read path`, async () => {
    for (const [label, file, target, size, body, method] of RUN_PATHS) {
      const l = await layout();
      try {
        await plant(join(l.run, file), variant, l.secret, size);
        const app = createApp({ dataDir: l.data, logger: false });
        const res = await answered(
          Promise.resolve(
            app.request(
              target,
              body
                ? { method: "POST", headers: { "content-type": "application/json" }, body }
                : { method: method ?? "GET" },
            ),
          ),
          `${label} (${variant})`,
        );
        const text = await res.text();
        assert.equal(res.status, 409, `${label} (${variant}): ${text}`);
        assert.equal(JSON.parse(text).code, "bundle_invalid", label);
        assert.ok(text.includes(file), `${label} (${variant}) names ${file}: ${text}`);
        assert.ok(!text.includes(SECRET), `${label} (${variant}) leaked the secret`);
        // Nothing was deleted, and the planted file is still what it was.
        if (method === "DELETE") assert.ok((await Deno.lstat(join(l.run, file))) !== undefined);
        // The listing leaves a run out whose run.json cannot be read safely.
        if (file === "run.json") {
          const list = await (await answered(Promise.resolve(app.request("/v1/runs")), "list"))
            .json();
          assert.deepEqual(list.runs, []);
        }
      } finally {
        await Deno.remove(l.base, { recursive: true });
      }
    }
  });
}

Deno.test("HTTP: replaying a capture whose CSV (or manifest) leads out of the capture folder is refused unread", async () => {
  const l = await layout();
  try {
    const app = createApp({
      dataDir: l.data,
      templatesDir: join(ROOT, "templates"),
      logger: false,
    });
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const sim = await (await post("/v1/runs", {
      templateId: "http-service",
      options: { createdAt: FIXED_TIME },
    })).json();
    assert.equal(
      (await post("/v1/telemetry/captures", { runId: sim.runId, capturedAt: FIXED_TIME })).status,
      201,
    );
    const capture = join(l.data, "telemetry", sim.runId);
    // The attacker also rewrites the manifest so that the hash matches the secret.
    const manifestPath = join(capture, "manifest.json");
    const manifest = JSON.parse(await Deno.readTextFile(manifestPath));
    const file = manifest.files[0];
    await plant(join(capture, file.path), "link out", l.secret, 0);
    file.hash = hashOf(await Deno.readFile(l.secret));
    await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 2));
    const replay = await post("/v1/runs", {
      templateId: "http-service",
      telemetry: { captureDirectory: `telemetry/${sim.runId}` },
      options: { createdAt: FIXED_TIME, overwrite: true },
    });
    const text = await replay.text();
    assert.equal(replay.status, 422, text);
    assert.equal(JSON.parse(text).code, "capture_invalid");
    assert.match(text, new RegExp(`${file.path} is a link to a file outside its folder`));
    assert.ok(!text.includes(SECRET));
    // The manifest itself linked out: refused before its bytes are parsed (and echoed).
    await plant(manifestPath, "link out", l.secret, 0);
    const again = await post("/v1/runs", {
      templateId: "http-service",
      telemetry: { captureDirectory: `telemetry/${sim.runId}` },
    });
    const againText = await again.text();
    assert.equal(again.status, 422, againText);
    assert.ok(!againText.includes(SECRET));
    assert.match(againText, /manifest\.json is a link to a file outside its folder/);
  } finally {
    await Deno.remove(l.base, { recursive: true });
  }
});

Deno.test({
  name:
    "the real server refuses a series linked to /dev/zero without reading it, and keeps serving",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const l = await layout();
    try {
      await plant(join(l.run, SERIES), "/dev/zero", l.secret, 0);
      await using server = startServer({ port: 0, dataDir: l.data, logger: false });
      const base = `http://127.0.0.1:${server.addr.port}`;
      const res = await fetch(`${base}/v1/runs/${RUN}/series/order_arrivals`);
      assert.equal(res.status, 409);
      assert.match(await res.text(), /is a link to a file outside its folder|is a device/);
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
    } finally {
      await Deno.remove(l.base, { recursive: true });
    }
  },
});

Deno.test("CLI: state and capture refuse a linked, piped or oversized series with exit 1 naming it", async () => {
  for (const variant of VARIANTS) {
    const l = await layout();
    try {
      await plant(join(l.run, SERIES), variant, l.secret, 64 * 1024 + 12 * 128 + 1);
      for (
        const args of [["state", "--run-dir", l.run, "--bin", "3"], [
          "telemetry",
          "capture",
          "--run-dir",
          l.run,
          "--dry-run",
        ]]
      ) {
        const r = await cli(args, { env: { FLOWTIME_DATA_DIR: l.data } });
        assert.equal(r.code, 1, `${args[0]} (${variant}): ${r.stderr}`);
        assert.match(
          r.stderr,
          /^error: .*order_arrivals@ORDER_ARRIVALS@DEFAULT\.csv (is a link|is a device|is a named pipe|is more than)/,
        );
        assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET));
      }
    } finally {
      await Deno.remove(l.base, { recursive: true });
    }
  }
});

Deno.test("CLI: every other command reading a run refuses a linked, piped or oversized file with exit 1 naming it", async () => {
  for (const variant of VARIANTS) {
    const l = await layout();
    try {
      // run.json: runs delete refuses (nothing deleted), runs list leaves the run out.
      const runJson = join(l.run, "run.json");
      await plant(runJson, variant, l.secret, 16 * 1024 * 1024 + 1);
      const env = { FLOWTIME_DATA_DIR: l.data };
      const del = await cli(["runs", "delete", RUN], { env });
      assert.equal(del.code, 1, `runs delete (${variant}): ${del.stderr}`);
      assert.match(del.stderr, /^error: .*run\.json/);
      assert.ok((await Deno.lstat(runJson)) !== undefined, "nothing deleted");
      const list = await cli(["runs", "list", "--json"], { env });
      assert.equal(list.code, 0, `runs list (${variant}): ${list.stderr}`);
      assert.deepEqual(JSON.parse(list.stdout).runs, []);
      assert.ok(!del.stderr.includes(SECRET) && !list.stdout.includes(SECRET));
    } finally {
      await Deno.remove(l.base, { recursive: true });
    }
    const m = await layout();
    try {
      await plant(join(m.run, SERIES), variant, m.secret, 64 * 1024 + 12 * 128 + 1);
      const env = { FLOWTIME_DATA_DIR: m.data };
      for (
        const args of [
          ["state", "--run-dir", m.run, "--window", "0:3"],
          ["telemetry", "parity", "--run", m.run, "--run", m.run],
          ["export", "openmetrics", "--run-dir", m.run],
          ["export", "flowtime", "--run-dir", m.run, "--out", join(m.base, "export", RUN)],
        ]
      ) {
        const r = await cli(args, { env });
        const what = `${args.slice(0, 2).join(" ")} (${variant})`;
        assert.equal(r.code, 1, `${what}: ${r.stderr}`);
        assert.match(
          r.stderr,
          /^error: .*order_arrivals@ORDER_ARRIVALS@DEFAULT\.csv (is a link|is a device|is a named pipe|is more than)/,
          what,
        );
        assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), what);
      }
    } finally {
      await Deno.remove(m.base, { recursive: true });
    }
  }
});

Deno.test("replay (HTTP and CLI) refuses a captured CSV or manifest that is a link, /dev/zero, a pipe or oversized", async () => {
  const l = await layout();
  try {
    const env = { FLOWTIME_DATA_DIR: l.data, FLOWTIME_TEMPLATES_DIR: join(ROOT, "templates") };
    const made = await cli(
      ["run", "--template", "http-service", "--created-at", FIXED_TIME, "--json"],
      { env },
    );
    assert.equal(made.code, 0, made.stderr);
    const runId = JSON.parse(made.stdout).runId;
    const capture = join(l.data, "telemetry", runId);
    const cap = await cli(["capture", "--run-dir", runId, "--captured-at", FIXED_TIME], { env });
    assert.equal(cap.code, 0, cap.stderr);
    const manifestPath = join(capture, "manifest.json");
    const pristine = await Deno.readTextFile(manifestPath);
    const file = JSON.parse(pristine).files[0].path as string;
    const model = join(l.base, "telemetry-model.yaml");
    const gen = await cli([
      "templates",
      "generate",
      "http-service",
      "--mode",
      "telemetry",
      "--param",
      `telemetryDir=${relative(ROOT, capture)}`,
      "--out",
      model,
    ], { env });
    assert.equal(gen.code, 0, gen.stderr);
    const app = createApp({
      dataDir: l.data,
      templatesDir: join(ROOT, "templates"),
      logger: false,
    });
    for (
      const [target, size] of [[file, 64 * 1024 + 96 * 128 + 1], [
        "manifest.json",
        16 * 1024 * 1024 + 1,
      ]] as const
    ) {
      for (const variant of VARIANTS) {
        // start from the intact capture every time
        await Deno.remove(capture, { recursive: true });
        const again = await cli(
          ["capture", "--run-dir", runId, "--captured-at", FIXED_TIME],
          { env },
        );
        assert.equal(again.code, 0, again.stderr);
        await plant(join(capture, target), variant, l.secret, size);
        const what = `${target} (${variant})`;
        const res = await answered(
          Promise.resolve(app.request("/v1/runs", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              templateId: "http-service",
              telemetry: { captureDirectory: `telemetry/${runId}` },
              options: { createdAt: FIXED_TIME, overwrite: true },
            }),
          })),
          what,
        );
        const text = await res.text();
        assert.equal(res.status, 422, `HTTP ${what}: ${text}`);
        assert.equal(JSON.parse(text).code, "capture_invalid", what);
        assert.ok(text.includes(target), `HTTP ${what} names the file: ${text}`);
        assert.ok(!text.includes(SECRET), what);
        for (
          const args of [
            [
              "run",
              "--template",
              "http-service",
              "--mode",
              "telemetry",
              "--telemetry-dir",
              capture,
            ],
            [
              "telemetry",
              "bundle",
              "--capture-dir",
              capture,
              "--model",
              model,
              "--out",
              join(l.base, "bundled"),
            ],
          ]
        ) {
          const r = await cli(args, { env });
          const command = `${args.slice(0, 2).join(" ")} ${what}`;
          assert.equal(r.code, 1, `${command}: ${r.stderr}`);
          assert.ok(r.stderr.includes(target), `${command} names the file: ${r.stderr}`);
          assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), command);
        }
      }
    }
  } finally {
    await Deno.remove(l.base, { recursive: true });
  }
});

Deno.test("CLI: a model file that is not UTF-8 is refused naming the byte, not silently replaced", async () => {
  const dir = (await tempDir("utf8")).path;
  try {
    const text = await Deno.readFile(join(ROOT, "fixtures/models/queue-buffer.yaml"));
    const bad = new Uint8Array([...text.subarray(0, 40), 0xff, 0xfe, ...text.subarray(40)]);
    await Deno.writeFile(join(dir, "bad.yaml"), bad);
    const r = await cli(["validate", "--model", join(dir, "bad.yaml")]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /bad\.yaml is not UTF-8 text \(byte 40 is not part of a UTF-8 character\)/,
    );
    // `telemetry bundle` reads its model the same way.
    const bundled = await cli([
      "telemetry",
      "bundle",
      "--capture-dir",
      dir,
      "--model",
      join(dir, "bad.yaml"),
    ]);
    assert.equal(bundled.code, 1);
    assert.match(bundled.stderr, /bad\.yaml is not UTF-8 text \(byte 40 /);
    // A named pipe given as the model is refused at once, not waited on.
    await sh("mkfifo", join(dir, "pipe.yaml"));
    const pipe = await cli(["validate", "--model", join(dir, "pipe.yaml")]);
    assert.equal(pipe.code, 1);
    assert.match(pipe.stderr, /pipe\.yaml is a named pipe, not a regular file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
