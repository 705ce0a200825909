// Shared test helpers: temp folders inside the project (the test task may only write ./.tmp)
// that remove themselves, the CLI in-process and as a real subprocess, the one assertion for
// expected FlowTimeErrors, comparing folder trees and checking bundles against their schemas.
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { checkSchema, type SchemaName } from "../lib/schema/validator.ts";
import { hashOf } from "../lib/base/hash.ts";
import { FlowTimeError, type FlowTimeErrorCode } from "../lib/base/errors.ts";

/** Absolute path of the project root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** Fixed timestamp used by goldens and determinism tests. */
export const FIXED_TIME = "2025-10-07T00:00:00Z";

/** A temp folder under `<root>/.tmp`, removed with everything in it when disposed. */
export interface TempDir extends AsyncDisposable {
  /** Absolute path of the folder. */
  readonly path: string;
}

/**
 * Remove a folder and everything in it; a folder that is already gone is fine.
 * @param path folder
 */
export async function removeDir(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/**
 * Make a fresh temp folder under `<root>/.tmp`. Declare it with `await using` so it is removed
 * when the test ends, passed or failed: `await using tmp = await tempDir("x"); tmp.path`.
 * @param prefix name prefix
 * @returns the folder, disposable
 */
export async function tempDir(prefix = "t"): Promise<TempDir> {
  await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
  const path = await Deno.makeTempDir({ dir: join(ROOT, ".tmp"), prefix: `${prefix}-` });
  return { path, [Symbol.asyncDispose]: () => removeDir(path) };
}

/**
 * Make a temp folder, fill it, and return what `fill` returns together with the folder, all
 * disposable (`await using run = await tempFixture("x", fill)`). When `fill` throws, the folder
 * is removed before the error goes on.
 * @param prefix name prefix
 * @param fill prepares the folder; given its absolute path
 * @returns the result of `fill`, plus the folder's `path` and its removal on dispose
 */
export async function tempFixture<T extends object>(
  prefix: string,
  fill: (dir: string) => Promise<T>,
): Promise<T & TempDir> {
  const dir = await tempDir(prefix);
  try {
    return {
      ...await fill(dir.path),
      path: dir.path,
      [Symbol.asyncDispose]: () => removeDir(dir.path),
    };
  } catch (err) {
    await dir[Symbol.asyncDispose]();
    throw err;
  }
}

/**
 * Keep a temp folder for all the tests of one file (made at module load) and remove it when the
 * test module unloads, whether its tests passed or failed.
 * @param dir the folder
 * @returns its absolute path
 */
export function keepUntilUnload(dir: TempDir): string {
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir.path, { recursive: true });
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  });
  return dir.path;
}

/**
 * A fresh temp folder for all the tests of one file, removed when the test module unloads.
 * @param prefix name prefix
 * @returns absolute path
 */
export async function moduleTempDir(prefix: string): Promise<string> {
  return keepUntilUnload(await tempDir(prefix));
}

/** Result of a CLI invocation. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Environment variables on top of {@link NEUTRAL_ENV}. */
  env?: Record<string, string>;
  /** Working directory (default the project root). */
  cwd?: string;
  /** Deno permission flags (default: read the project, write `.tmp`, env). */
  permissions?: string[];
  /** Text piped to stdin. */
  stdin?: string;
}

/**
 * Environment for child processes: the toolkit's variables set empty (= unset) so neither the
 * caller's environment nor another test file changing this process's environment (test files
 * share it under `--parallel`) can change what a child sees; the rest (DENO_DIR, HOME) is
 * inherited so the child finds the module cache. INIT_CWD too: `deno task test` sets it, and a
 * child would take its paths from there.
 */
export const NEUTRAL_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: "1",
  INIT_CWD: "",
  FLOWTIME_DATA_DIR: "",
  FLOWTIME_TEMPLATES_DIR: "",
  FLOWTIME_SIM_URL: "",
  SOURCE_DATE_EPOCH: "",
  FLOWTIME_PROMETHEUS_URL: "",
  FLOWTIME_PROMETHEUS_TOKEN: "",
  FLOWTIME_PROMETHEUS_USERNAME: "",
  FLOWTIME_PROMETHEUS_PASSWORD: "",
};

/** Permission flags tests give the CLI: like the `flowtime` task, with writes in .tmp. */
export const CLI_TEST_PERMISSIONS = [
  `--allow-read=${ROOT}`,
  `--allow-write=${join(ROOT, ".tmp")}`,
  "--allow-env",
];

/**
 * Run `flowtime` as a real subprocess.
 * @param args arguments after `flowtime`
 * @param options environment, cwd and permissions
 * @returns exit code and captured output
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(options.permissions ?? CLI_TEST_PERMISSIONS),
      join(ROOT, "cli.ts"),
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    env: { ...NEUTRAL_ENV, ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Options for {@link cli}. */
export interface CliOptions {
  /** The whole environment the command sees (nothing comes from this process's environment). */
  env?: Record<string, string>;
  /** Whether stderr counts as a terminal (progress output); default false. */
  interactive?: boolean;
}

/**
 * Run `flowtime` in this process through `main(args, io)`: same result shape as {@link runCli},
 * stdout and stderr as the process would print them (every line ends with a newline). The
 * working folder is this process's (the project root under `deno task test`).
 * @param args arguments after `flowtime`
 * @param options environment and terminal flag
 * @returns exit code and captured output
 */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  // Loaded on first use so test files that never run the CLI do not load every command.
  const { main } = await import("../cli/main.ts");
  const env = { ...options.env };
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    out: (text) => void (stdout += `${text}\n`),
    err: (text) => void (stderr += `${text}\n`),
    interactive: options.interactive ?? false,
    env: (name) => Object.hasOwn(env, name) ? env[name] : undefined,
  });
  return { code, stdout, stderr };
}

/** A message check: a pattern to match or text the message must contain. */
export type MessageCheck = RegExp | string;

function checkError(err: unknown, code: FlowTimeErrorCode, message?: MessageCheck, what?: string) {
  const label = what ? `${what}: ` : "";
  if (!(err instanceof FlowTimeError)) {
    const text = err instanceof Error ? err.stack ?? err.message : String(err);
    assert.fail(`${label}expected a FlowTimeError '${code}', got ${text}`);
  }
  assert.equal(
    err.code,
    code,
    `${label}expected error code '${code}', got '${err.code}': ${err.message}`,
  );
  if (message instanceof RegExp) assert.match(err.message, message, `${label}error message`);
  else if (message !== undefined) {
    assert.ok(
      err.message.includes(message),
      `${label}error message ${JSON.stringify(err.message)} should contain ${
        JSON.stringify(message)
      }`,
    );
  }
  return err;
}

/**
 * Assert that a call throws a FlowTimeError with this code (and a message matching the pattern,
 * or containing the text).
 * @param fn the call
 * @param code expected error code
 * @param message pattern to match or text to find in the message
 * @param what label for failure messages
 * @returns the error, for further checks
 */
export function assertThrowsCode(
  fn: () => unknown,
  code: FlowTimeErrorCode,
  message?: MessageCheck,
  what?: string,
): FlowTimeError {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    return checkError(err, code, message, what);
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    assert.fail(`${what ? `${what}: ` : ""}the call returned a promise: use assertRejectsCode`);
  }
  assert.fail(`${what ? `${what}: ` : ""}expected a FlowTimeError '${code}', nothing was thrown`);
}

/**
 * Assert that a promise (or the promise a function returns) rejects with a FlowTimeError with
 * this code (and a message matching the pattern, or containing the text).
 * @param subject the promise, or a function returning it
 * @param code expected error code
 * @param message pattern to match or text to find in the message
 * @param what label for failure messages
 * @returns the error, for further checks
 */
export async function assertRejectsCode(
  subject: Promise<unknown> | (() => unknown),
  code: FlowTimeErrorCode,
  message?: MessageCheck,
  what?: string,
): Promise<FlowTimeError> {
  try {
    await (typeof subject === "function" ? subject() : subject);
  } catch (err) {
    return checkError(err, code, message, what);
  }
  assert.fail(`${what ? `${what}: ` : ""}expected a FlowTimeError '${code}', nothing was thrown`);
}

/**
 * Every file below a folder, by relative path, with its bytes.
 * @param dir folder
 * @returns map of relative path to content
 */
export async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else files.set(relative(dir, p), await Deno.readFile(p));
    }
  };
  await walk(dir);
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Assert two folders hold exactly the same files with the same bytes.
 * @param actual folder produced by the test
 * @param expected folder checked in
 */
export async function assertSameTree(actual: string, expected: string): Promise<void> {
  const a = await readTree(actual);
  const e = await readTree(expected);
  assert.deepEqual([...a.keys()], [...e.keys()], `file lists differ: ${actual} vs ${expected}`);
  const dec = new TextDecoder();
  for (const [path, bytes] of e) {
    const got = a.get(path)!;
    if (got.length !== bytes.length || got.some((b, i) => b !== bytes[i])) {
      assert.equal(
        dec.decode(got),
        dec.decode(bytes),
        `${path} differs (run 'deno task golden' and review the diff if the change is intended)`,
      );
    }
  }
}

/**
 * Assert a value conforms to a published schema.
 * @param name schema name
 * @param value the value
 * @param what label for the message
 */
export function assertMatchesSchema(name: SchemaName, value: unknown, what: string): void {
  const result = checkSchema(name, value);
  assert.ok(
    result.valid,
    `${what} does not match schema ${name}:\n  ${result.errors.join("\n  ")}`,
  );
}

/**
 * Read a JSON file.
 * @param path file
 * @returns parsed value
 */
export async function readJsonFile<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(path)) as T;
}

/**
 * Check a run bundle: every JSON document matches its schema, and every hash in run.json,
 * manifest.json and series/index.json is the sha256 of the file it names.
 * @param runDir the run folder
 */
export async function assertValidRunBundle(runDir: string): Promise<void> {
  const run = await readJsonFile<
    { modelHash: string; series: Array<{ id: string; path: string }>; runId: string }
  >(join(runDir, "run.json"));
  const index = await readJsonFile<
    { series: Array<{ id: string; path: string; hash: string; points: number }> }
  >(join(runDir, "series/index.json"));
  const manifest = await readJsonFile<
    { modelHash: string; seriesHashes: Record<string, string>; runId: string }
  >(join(runDir, "manifest.json"));
  const metadata = await readJsonFile(join(runDir, "model/metadata.json"));
  assertMatchesSchema("run", run, `${runDir}/run.json`);
  assertMatchesSchema("series-index", index, `${runDir}/series/index.json`);
  assertMatchesSchema("run-manifest", manifest, `${runDir}/manifest.json`);
  assertMatchesSchema("model-metadata", metadata, `${runDir}/model/metadata.json`);
  const modelBytes = await Deno.readFile(join(runDir, "model/model.yaml"));
  assert.deepEqual(
    await Deno.readFile(join(runDir, "spec.yaml")),
    modelBytes,
    "spec.yaml must equal model/model.yaml",
  );
  const modelHash = hashOf(modelBytes);
  assert.equal(run.modelHash, modelHash, "run.json modelHash");
  assert.equal(manifest.modelHash, modelHash, "manifest.json modelHash");
  assert.equal((metadata as { modelHash: string }).modelHash, modelHash, "metadata.json modelHash");
  assert.equal(manifest.runId, run.runId);
  assert.deepEqual(run.series.map((s) => s.id), index.series.map((s) => s.id));
  assert.deepEqual(Object.keys(manifest.seriesHashes), index.series.map((s) => s.id));
  for (const s of index.series) {
    const hash = hashOf(await Deno.readFile(join(runDir, s.path)));
    assert.equal(s.hash, hash, `index hash of ${s.path}`);
    assert.equal(manifest.seriesHashes[s.id], hash, `manifest hash of ${s.path}`);
  }
}

/**
 * Copy a folder tree (the standard library's copy lives on JSR, which is unreachable here).
 * @param from source folder
 * @param to destination folder (created)
 */
export async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}
