// What a newcomer's first `deno task demo` downloads: `deno task` first installs every npm
// package of the default lockfile (deno.lock), so it holds only what the CLI, the server and the
// viewer import; the test, benchmark and browser packages (fast-check, autocannon,
// puppeteer-core and their 60-odd dependencies) are imported by full npm: specifiers, outside
// deno.json's imports, and pinned in deno.dev.lock, which the development tasks use.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../_helpers.ts";

const RUNTIME = [
  "yaml",
  "ajv",
  "ajv-formats",
  "fast-deep-equal",
  "fast-uri",
  "json-schema-traverse",
  "require-from-string",
  "hono",
  "@dagrejs/dagre",
  "@dagrejs/graphlib",
  "uplot",
];

Deno.test("deno.lock names only the runtime packages; development tasks use deno.dev.lock", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.equal(config.nodeModulesDir, "none", "no node_modules install of every import");
  for (const task of ["flowtime", "flowtime:remote", "serve", "demo"]) {
    assert.doesNotMatch(config.tasks[task], /--lock/, `${task} uses the default deno.lock`);
  }
  for (const task of ["test", "fuzz", "bench"]) {
    // flags without a value may come first (`deno test --parallel --lock=...`)
    assert.match(config.tasks[task], /^deno \w+ (--[a-z-]+ )*--lock=deno\.dev\.lock /, task);
  }
  assert.match(config.tasks.check, /deno check --lock=deno\.dev\.lock /);
  for (const name of ["fast-check", "autocannon", "puppeteer-core"]) {
    assert.ok(!Object.keys(config.imports).includes(name), `${name} is not in deno.json imports`);
  }
  const lock = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.lock")));
  // keys are name@version, with _peer@version suffixes: the name is all before the 2nd "@"
  const packages = Object.keys(lock.npm ?? {}).map((key) => key.match(/^@?[^@]+/)![0]);
  assert.deepEqual(
    packages.toSorted(),
    RUNTIME.toSorted(),
    "deno.lock holds other packages than the runtime ones: a command run without " +
      "--lock=deno.dev.lock (a property, viewer or bench file run directly) added them. Restore " +
      "it (git checkout deno.lock) and run such files with --lock=deno.dev.lock",
  );
});
