// Help, completions and unknown commands or flags start without the npm packages (yaml, ajv,
// hono, uplot, dagre): loading them through Deno's CommonJS loader took most of `flowtime
// --help`'s time.
// Each command module imports only light modules at its top and loads its work in `run`.
// The check is Deno's own: with --no-npm any npm package in the graph loaded so far is an error,
// at startup for a static import and at the import() for a dynamic one, so a help that works
// under --no-npm loaded none. No timings are asserted.
import assert from "node:assert/strict";
import { COMMANDS } from "../../cli/registry.ts";
import { CLI_TEST_PERMISSIONS, runCli } from "../_helpers.ts";

const NO_NPM = [...CLI_TEST_PERMISSIONS, "--no-npm"];

const HINT = "a module that cli/registry.ts imports (or one of its imports) loads an npm package " +
  "at its top; import it inside the command's run with `await import(...)` instead " +
  "(docs/architecture.md, The CLI)";

async function flowtimeWithoutNpm(args: string[], code: number): Promise<string> {
  const result = await runCli(args, { permissions: NO_NPM });
  assert.doesNotMatch(
    result.stderr,
    /npm/,
    `flowtime ${args.join(" ")}: ${HINT}\n${result.stderr}`,
  );
  assert.equal(result.code, code, `flowtime ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

Deno.test("flowtime --help, help <command> and a group's help load no npm package", async () => {
  assert.match(await flowtimeWithoutNpm(["--help"], 0), /^flowtime \S+: /);
  assert.match(await flowtimeWithoutNpm(["help", "run"], 0), /^flowtime run: /);
  assert.match(await flowtimeWithoutNpm(["telemetry"], 2), /^flowtime telemetry: /);
});

Deno.test("every command's --help loads no npm package", async () => {
  for (const command of COMMANDS) {
    const stdout = await flowtimeWithoutNpm([...command.name.split(" "), "--help"], 0);
    assert.ok(stdout.startsWith(`flowtime ${command.name}: `), stdout);
  }
});

Deno.test("completions and unknown commands load no npm package", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    assert.match(await flowtimeWithoutNpm(["completions", shell], 0), /flowtime/);
  }
  await flowtimeWithoutNpm(["nosuch"], 2);
  await flowtimeWithoutNpm(["telemetry", "nosuch"], 2);
  await flowtimeWithoutNpm(["run", "--no-such-flag"], 2);
});

Deno.test("the check sees an npm package a command loads when it runs", async () => {
  // validate parses YAML: under --no-npm its import() fails, which is what the tests above
  // would see if a help loaded a package.
  const result = await runCli(["validate", "--model", "fixtures/models/queue-buffer.yaml"], {
    permissions: NO_NPM,
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--no-npm/);
  // an environment's problem, said as one: not an internal error to report
  assert.match(result.stderr, /could not load the toolkit's npm packages/);
  assert.doesNotMatch(result.stderr, /internal error|please report/);
});
