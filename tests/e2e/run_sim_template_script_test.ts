// scripts/time-travel/run-sim-template.sh against the real server on 127.0.0.1: the files it
// writes equal what the in-process Sim generates. Skipped when bash, curl or jq/python3 is missing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer } from "../../server/listen.ts";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { FIXED_TIME, ROOT, tempDir } from "../_helpers.ts";

const SCRIPT = join(ROOT, "scripts/time-travel/run-sim-template.sh");

function has(command: string): boolean {
  try {
    return new Deno.Command("sh", {
      args: ["-c", `command -v ${command}`],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

const available = has("bash") && has("curl") && (has("jq") || has("python3"));

async function script(args: string[], cwd: string) {
  const out = await new Deno.Command("bash", {
    args: [SCRIPT, ...args],
    cwd,
    env: { SOURCE_DATE_EPOCH: "1759795200" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function withServer(fn: (url: string, dir: string) => Promise<void>) {
  await using tmp = await tempDir("script");
  const dir = tmp.path;
  const server = startServer({
    port: 0,
    logger: false,
    templatesDir: join(ROOT, "templates"),
    dataDir: join(dir, "data"),
    // The server reads no environment: the fixed time is passed in (what SOURCE_DATE_EPOCH
    // gives `flowtime serve`), so both sides stamp the same generatedAt.
    fixedTime: FIXED_TIME,
  });
  try {
    await fn(`http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`, dir);
  } finally {
    await server.shutdown();
  }
}

Deno.test({
  name: "run-sim-template.sh writes model.yaml and provenance.json equal to the in-process Sim's",
  ignore: !available,
  async fn() {
    await withServer(async (url, dir) => {
      await Deno.writeTextFile(join(dir, "params.json"), '{"bins": 48, "shippingWorkers": 5}');
      const r = await script(
        [
          "--sim-url",
          url,
          "--template",
          "microservices",
          "--params",
          "params.json",
          "--out-dir",
          "out",
        ],
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        "model of template microservices written to out/model.yaml (provenance: out/provenance.json)\n",
      );
      const expected = await new InProcessSimClient(join(ROOT, "templates"), {
        generatedAt: FIXED_TIME,
      }).generate("microservices", { parameters: { bins: 48, shippingWorkers: 5 } });
      assert.equal(await Deno.readTextFile(join(dir, "out/model.yaml")), expected.model);
      assert.deepEqual(
        JSON.parse(await Deno.readTextFile(join(dir, "out/provenance.json"))),
        expected.provenance,
      );
    });
  },
});

Deno.test({
  name: "run-sim-template.sh passes --mode and reports refused parameters with their names",
  ignore: !available,
  async fn() {
    await withServer(async (url, dir) => {
      const noDir = await script([
        "--sim-url",
        url,
        "--template",
        "http-service",
        "--mode",
        "telemetry",
        "--out-dir",
        "t",
      ], dir);
      assert.equal(noDir.code, 1);
      assert.match(
        noDir.stderr,
        /^error: the Sim service answered 422: .*parameter 'telemetryDir' has no value/,
      );
      await Deno.writeTextFile(join(dir, "p.json"), '{"telemetryDir": "capture"}');
      const tele = await script(
        [
          "--sim-url",
          url,
          "--template",
          "http-service",
          "--mode",
          "telemetry",
          "--params",
          "p.json",
          "--out-dir",
          "t",
        ],
        dir,
      );
      assert.equal(tele.code, 0, tele.stderr);
      assert.match(await Deno.readTextFile(join(dir, "t/model.yaml")), /^mode: telemetry$/m);
    });
  },
});

Deno.test({
  name: "run-sim-template.sh: unknown template, bad usage and a dead service",
  ignore: !available,
  async fn() {
    await withServer(async (url, dir) => {
      const missing = await script(["--sim-url", url, "--template", "nope"], dir);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error: the Sim service answered 404: no template 'nope'/);
      const bad = await script(["--sim-url", url, "--template", "../x"], dir);
      assert.equal(bad.code, 2);
      const mode = await script(
        ["--sim-url", url, "--template", "order-system", "--mode", "live"],
        dir,
      );
      assert.equal(mode.code, 2);
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      const down = await script([
        "--sim-url",
        `http://127.0.0.1:${port}`,
        "--template",
        "order-system",
      ], dir);
      assert.equal(down.code, 1);
      assert.match(
        down.stderr,
        new RegExp(`error: cannot reach the Sim service at http://127\\.0\\.0\\.1:${port}`),
      );
      assert.deepEqual(
        [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "data"),
        [],
      );
    });
  },
});
