// The CLI reads the environment and passes it to the library: folders, Sim URL and the fixed
// time of SOURCE_DATE_EPOCH.
import assert from "node:assert/strict";
import { join } from "node:path";
import { CliEnvironment } from "../../cli/config.ts";
import { assertThrowsCode, cli, readJsonFile, ROOT, tempDir } from "../_helpers.ts";

const envOf = (vars: Record<string, string>) => new CliEnvironment((name) => vars[name]);

Deno.test("defaults: ./data, ./data/runs, ./templates, the in-process Sim, no fixed time", () => {
  const env = envOf({});
  assert.equal(env.dataDir, "./data");
  assert.equal(env.runsDir, "./data/runs");
  assert.equal(env.templatesDir, "./templates");
  assert.equal(env.simUrl, undefined);
  assert.equal(env.fixedTime(), undefined);
});

Deno.test("FLOWTIME_* variables set the folders and the Sim URL; empty values count as unset", () => {
  const env = envOf({
    FLOWTIME_DATA_DIR: "/srv/flow/",
    FLOWTIME_TEMPLATES_DIR: "tpl",
    FLOWTIME_SIM_URL: "http://127.0.0.1:9999",
  });
  assert.equal(env.runsDir, "/srv/flow/runs");
  assert.equal(env.templatesDir, "tpl");
  assert.equal(env.simUrl, "http://127.0.0.1:9999");
  assert.equal(envOf({ FLOWTIME_SIM_URL: "" }).simUrl, undefined);
});

Deno.test("SOURCE_DATE_EPOCH gives the fixed time; anything but whole seconds is a usage error", () => {
  assert.equal(envOf({ SOURCE_DATE_EPOCH: "1759795200" }).fixedTime(), "2025-10-07T00:00:00Z");
  for (const bad of ["-1", "1.5", "soon", "99999999999999"]) {
    assertThrowsCode(
      () => envOf({ SOURCE_DATE_EPOCH: bad }).fixedTime(),
      "usage",
      /SOURCE_DATE_EPOCH/,
      bad,
    );
  }
});

Deno.test("flowtime run stamps createdUtc from SOURCE_DATE_EPOCH when no --created-at is given", async () => {
  await using runsTmp = await tempDir("epoch");
  const runs = runsTmp.path;
  const r = await cli(
    [
      "run",
      "--model",
      join(ROOT, "fixtures/models/queue-buffer.yaml"),
      "--out",
      runs,
      "--deterministic",
      "--json",
    ],
    { env: { SOURCE_DATE_EPOCH: "1759795200" } },
  );
  assert.equal(r.code, 0, r.stderr);
  const { runDir } = JSON.parse(r.stdout);
  const run = await readJsonFile<{ createdUtc: string }>(join(runDir, "run.json"));
  assert.equal(run.createdUtc, "2025-10-07T00:00:00Z");
});
