// What a newcomer's first `deno task demo` downloads: the tasks users run resolve packages from
// deno.runtime.lock, which holds only what the CLI, the server and the viewer import; the test,
// benchmark and browser packages (fast-check, autocannon, puppeteer-core and their 60-odd
// dependencies) stay in the development lockfile.
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

Deno.test("the user-facing tasks use deno.runtime.lock, which names only runtime packages", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.equal(config.nodeModulesDir, "none", "no node_modules install of every import");
  for (const task of ["flowtime", "flowtime:remote", "serve", "demo"]) {
    assert.match(config.tasks[task], /^deno run --lock=deno\.runtime\.lock /, task);
  }
  const lock = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.runtime.lock")));
  // keys are name@version, with _peer@version suffixes: the name is all before the 2nd "@"
  const packages = Object.keys(lock.npm ?? {}).map((key) => key.match(/^@?[^@]+/)![0]);
  assert.deepEqual(packages.toSorted(), RUNTIME.toSorted());
});
