// The README's "Use as a library" example runs as written (imports pointed at mod.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, ROOT, tempDir } from "./_helpers.ts";

Deno.test("the README library example runs, and runs again: generate, run, capture, replay, parity 0, state", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.slice(readme.indexOf("## Use as a library"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "README has a ts example under 'Use as a library'");
  await using dirTmp = await tempDir("readme");
  const dir = dirTmp.path;
  await copyTree(join(ROOT, "templates"), join(dir, "templates"));
  await Deno.writeTextFile(
    join(dir, "example.ts"),
    code.replace('"@flowtime/toolkit"', JSON.stringify(`file://${ROOT}/mod.ts`)),
  );
  const run = () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--allow-read=${ROOT}`,
        `--allow-write=${dir}`,
        "--allow-env",
        join(dir, "example.ts"),
      ],
      cwd: dir,
      env: { NO_COLOR: "1", SOURCE_DATE_EPOCH: "1759795200" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const out = await run();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = stdout.trim().split("\n");
  assert.match(lines[0], /^captured 8 files, checksum sha256:[0-9a-f]{64}$/);
  assert.equal(lines[1], "parity 0 over 8 node metrics");
  assert.deepEqual(lines.slice(2).map((l) => l.split(" ")[0]), ["OrderService", "PaymentService"]);
  assert.match(lines[2], /^OrderService \d+(\.\d+)? \d+(\.\d+)? (green|yellow|red)$/);
  // A newcomer runs it again: every step finds its result already there, unchanged.
  const again = await run();
  assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
  assert.equal(new TextDecoder().decode(again.stdout), stdout);
});
