// When Deno's sandbox stops a path, the error gives the exact `deno run ...` line that works,
// and that line does work. Real processes: the sandbox is Deno's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { CliEnvironment, ENV_VARIABLES } from "../../cli/config.ts";
import { permissionLine } from "../../cli/permissions.ts";
import { runCommand } from "../../cli/run.ts";
import { NEUTRAL_ENV, ROOT, runCli, tempDir } from "../_helpers.ts";

Deno.test("a model outside the readable folders: the error prints a deno run line that works", async () => {
  await using tmp = await tempDir("perm-hint");
  const data = join(tmp.path, "data");
  const models = join(tmp.path, "models");
  await Deno.mkdir(models);
  await Deno.copyFile(join(ROOT, "fixtures/models/queue-buffer.yaml"), join(models, "web.yaml"));
  const env = { FLOWTIME_DATA_DIR: data };
  const refused = await runCli(["run", "--model", join(models, "web.yaml"), "--deterministic"], {
    env,
    permissions: [
      `--allow-read=${join(ROOT, "templates")},${data}`,
      `--allow-write=${data}`,
      "--allow-env",
    ],
  });
  assert.equal(refused.code, 1);
  const lines = refused.stderr.trim().split("\n");
  assert.match(lines[0], /^error: reading .*web\.yaml: not permitted/);
  assert.equal(lines[1], "  run this instead:");
  const line = lines[2].trim();
  // the project folder covers the model here (.tmp is inside it); elsewhere its folder is added
  assert.match(
    line,
    /^deno run --allow-read=\.(,\S*models)? --allow-write=\S+data --allow-env=\S+ cli\.ts run --model \/\S+\/web\.yaml --deterministic$/,
  );
  // the line works as printed (from the project folder, with deno on the PATH)
  const ran = await new Deno.Command("bash", {
    args: ["-c", line],
    cwd: ROOT,
    env: {
      ...NEUTRAL_ENV,
      ...env,
      PATH: `${Deno.execPath().replace(/\/[^/]*$/, "")}:/usr/local/bin:/usr/bin:/bin`,
    },
  }).output();
  const stderr = new TextDecoder().decode(ran.stderr);
  assert.equal(ran.code, 0, stderr);
  assert.match(new TextDecoder().decode(ran.stdout), /^run run_deterministic_e673448a written to /);
});

Deno.test("serve under a task without network permission names the serve task", async () => {
  await using tmp = await tempDir("perm-serve");
  const r = await runCli(["serve", "--port", "0"], {
    env: { FLOWTIME_DATA_DIR: tmp.path },
    permissions: [`--allow-read=${ROOT}`, `--allow-write=${tmp.path}`, "--allow-env"],
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Requires net access to "127\.0\.0\.1:0"/);
  assert.match(r.stderr, /start the server with 'deno task serve'/);
  assert.doesNotMatch(r.stderr, /listening/);
});

Deno.test("under deno task, the line goes back to the project and repeats the arguments with absolute paths", () => {
  const env = new CliEnvironment(
    (name) => ({ INIT_CWD: "/home/ann/models" } as Record<string, string>)[name],
    () => ROOT,
  );
  const line = permissionLine({
    command: runCommand,
    args: ["run", "--model", "web.yaml", "--out=../runs", "--deterministic"],
    refusal: { kind: "read", target: "/home/ann/models/web.yaml" },
    env,
  });
  assert.equal(
    line,
    `cd ${ROOT} && deno run --allow-read=.,/home/ann/models --allow-write=./data,/home/ann/runs --allow-env=${
      ["NO_COLOR", ...ENV_VARIABLES].join(",")
    } cli.ts run --model /home/ann/models/web.yaml --out=/home/ann/runs --deterministic`,
  );
});
