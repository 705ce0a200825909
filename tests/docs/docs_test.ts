// Every documented command runs as written. For README.md and each docs/**/*.md, the ```sh
// blocks run in order in a fresh copy of the project (bash, stopping at the first failing
// command), as a newcomer would type them: `deno task ...`, and curl against a server a
// `background` block started. Marks and rules: docs/README.md. Also: a sub-folder of the project
// with relative paths, through the `flowtime` task (INIT_CWD).
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { NEUTRAL_ENV, ROOT, type TempDir, tempDir } from "../_helpers.ts";
import { type DocBlock, extractBlocks, runsAsShell } from "./_blocks.ts";

/** What a project copy leaves out: version control, scratch and generated folders. */
const SKIP = new Set([".git", ".tmp", "data", "node_modules"]);
const BLOCK_TIMEOUT_MS = 90_000;
const SERVER_START_MS = 30_000;
const DENO_DIR = dirname(Deno.execPath());

async function docFiles(): Promise<string[]> {
  const out = ["README.md"];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.name.endsWith(".md")) out.push(rel);
    }
  };
  await walk("docs");
  return out.sort((a, b) => a === "README.md" ? -1 : b === "README.md" ? 1 : a.localeCompare(b));
}

// Processes and copies alive, so that a run cut short (a --filter that leaves the docs tests
// running in the background when the module ends) leaves nothing behind.
const LIVE_GROUPS = new Set<number>();
const LIVE_COPIES = new Set<string>();
globalThis.addEventListener("unload", () => {
  for (const pid of LIVE_GROUPS) {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  // killed processes may still be writing for a moment: retry for up to a second
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 20 && LIVE_COPIES.size > 0; attempt++) {
    for (const dir of LIVE_COPIES) {
      try {
        Deno.removeSync(dir, { recursive: true });
        LIVE_COPIES.delete(dir);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) LIVE_COPIES.delete(dir);
      }
    }
    if (LIVE_COPIES.size > 0) Atomics.wait(pause, 0, 0, 50);
  }
});

/** A fresh copy of the project under .tmp (the files a checkout has), removed on dispose. */
async function projectCopy(prefix: string): Promise<TempDir> {
  const made = await tempDir(prefix);
  LIVE_COPIES.add(made.path);
  const copy: TempDir = {
    path: made.path,
    [Symbol.asyncDispose]: async () => {
      await made[Symbol.asyncDispose]();
      LIVE_COPIES.delete(made.path);
    },
  };
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(ROOT, rel))) {
      if (SKIP.has(e.name) || e.name.endsWith(".regenerating")) continue;
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        await Deno.mkdir(join(copy.path, child));
        await walk(child);
      } else if (e.isFile) await Deno.copyFile(join(ROOT, child), join(copy.path, child));
    }
  };
  await walk("");
  return copy;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The environment doc commands run in: deno on the PATH, the toolkit's variables unset. */
function shellEnv(port: number): Record<string, string> {
  return {
    ...NEUTRAL_ENV,
    FLOWTIME_PORT: String(port),
    PATH: `${DENO_DIR}:/usr/local/bin:/usr/bin:/bin`,
  };
}

const tail = (text: string, lines = 25) => text.trimEnd().split("\n").slice(-lines).join("\n");

function where(block: DocBlock): string {
  return `${block.file}:${block.line}`;
}

// A newcomer's shell has no INIT_CWD: `deno task` sets it to where the task is typed (it keeps
// one that is already set, as under `deno task test`).
const SHELL_PRELUDE = "unset INIT_CWD\n";

async function runBlock(block: DocBlock, cwd: string, port: number): Promise<void> {
  const script = SHELL_PRELUDE + block.text.replaceAll("8080", String(port));
  // its own process group, so a timeout stops `deno task` and the deno it runs together
  const child = new Deno.Command("setsid", {
    args: ["bash", "-e", "-c", script],
    cwd,
    env: shellEnv(port),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  LIVE_GROUPS.add(child.pid);
  const timer = setTimeout(() => Deno.kill(-child.pid, "SIGKILL"), BLOCK_TIMEOUT_MS);
  const out = await child.output();
  clearTimeout(timer);
  LIVE_GROUPS.delete(child.pid);
  const dec = new TextDecoder();
  const report = `${where(block)}:\n${block.text}\nexit ${out.code}\n--- stdout\n${
    tail(dec.decode(out.stdout))
  }\n--- stderr\n${tail(dec.decode(out.stderr))}`;
  if (block.marks.expectFail) {
    assert.notEqual(out.code, 0, `this block is marked expect-fail but succeeded: ${report}`);
    assert.doesNotMatch(dec.decode(out.stderr), /internal error/, report);
  } else {
    assert.equal(out.code, 0, `a documented command failed: ${report}`);
  }
}

interface Background {
  child: Deno.ChildProcess;
  log: string;
}

// A server block: started in its own process group (so `deno task` and the deno it starts stop
// together), ready once /healthz answers on the file's port.
async function startBackground(block: DocBlock, cwd: string, port: number): Promise<Background> {
  const log = join(cwd, `.docs-background-${block.line}.log`);
  const script = SHELL_PRELUDE + block.text.replaceAll("8080", String(port));
  const child = new Deno.Command("setsid", {
    args: ["bash", "-c", `exec >${JSON.stringify(log)} 2>&1\n${script}`],
    cwd,
    env: shellEnv(port),
    stdin: "null",
  }).spawn();
  LIVE_GROUPS.add(child.pid);
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + SERVER_START_MS;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      if (res.ok) return { child, log };
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) {
      const text = await Deno.readTextFile(log).catch(() => "");
      await stopBackground({ child, log });
      assert.fail(`${where(block)}: the server did not answer on port ${port}:\n${tail(text)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopBackground(bg: Background): Promise<void> {
  try {
    Deno.kill(-bg.child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  await bg.child.status;
  LIVE_GROUPS.delete(bg.child.pid);
}

/**
 * Run a Markdown file's blocks in a fresh project copy.
 * @param file the Markdown file, relative to the project
 */
async function runDoc(file: string): Promise<void> {
  const blocks = extractBlocks(await Deno.readTextFile(join(ROOT, file)), file);
  await using copy = await projectCopy(`docs-${file.replace(/[^A-Za-z0-9]+/g, "-")}`);
  const port = freePort();
  const servers: Background[] = [];
  try {
    for (const block of blocks) {
      if (block.marks.file) {
        const target = join(copy.path, block.marks.file);
        assert.ok(!relative(copy.path, target).startsWith(".."), `${where(block)}: file= leaves`);
        await Deno.mkdir(dirname(target), { recursive: true });
        await Deno.writeTextFile(target, block.text.replaceAll("8080", String(port)));
      }
      if (!runsAsShell(block)) continue;
      if (block.marks.background) servers.push(await startBackground(block, copy.path, port));
      else await runBlock(block, copy.path, port);
    }
  } finally {
    for (const s of servers) await stopBackground(s);
  }
}

const FILES = await docFiles();

Deno.test("docs: every code block's marks are known, and every not-run gives a reason", async () => {
  let shell = 0;
  for (const file of FILES) {
    const blocks = extractBlocks(await Deno.readTextFile(join(ROOT, file)), file);
    for (const b of blocks) {
      if (b.lang === "sh") shell++;
      assert.ok(
        !["bash", "shell", "console", "zsh"].includes(b.lang),
        `${where(b)}: write shell commands as \`\`\`sh (run by the docs test) or \`\`\`text`,
      );
      if (b.marks.background) {
        assert.ok(b.lang === "sh" && !b.marks.notRun, `${where(b)}: background is for sh blocks`);
      }
    }
  }
  assert.ok(shell > 20, `${shell} shell blocks found`);
});

// Two files at a time (each in its own copy, on its own port): the test of a file starts it and
// the next one, and reports its own.
const RUNNABLE: string[] = [];
for (const file of FILES) {
  const blocks = extractBlocks(await Deno.readTextFile(join(ROOT, file)), file);
  if (blocks.some(runsAsShell)) RUNNABLE.push(file);
}
const STARTED = new Map<string, Promise<unknown>>();
function start(file: string): Promise<unknown> {
  if (!STARTED.has(file)) {
    STARTED.set(file, runDoc(file).then(() => undefined, (err) => err ?? new Error("failed")));
  }
  return STARTED.get(file)!;
}
function resultOf(file: string): Promise<unknown> {
  const mine = start(file);
  const next = RUNNABLE[RUNNABLE.indexOf(file) + 1];
  if (next !== undefined) start(next);
  return mine;
}

for (const file of RUNNABLE) {
  Deno.test({
    name: `docs: the commands of ${file} run as written`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const error = await resultOf(file);
      if (error !== undefined) throw error;
    },
  });
}

Deno.test({
  name: "deno task flowtime from a sub-folder takes relative paths from there",
  sanitizeResources: false,
  async fn() {
    await using copy = await projectCopy("docs-subfolder");
    const sub = join(copy.path, "my");
    await Deno.mkdir(sub);
    await Deno.copyFile(join(ROOT, "fixtures/models/queue-buffer.yaml"), join(sub, "web.yaml"));
    const script = [
      SHELL_PRELUDE,
      "deno task flowtime run --model web.yaml --deterministic",
      "deno task flowtime validate --model ./web.yaml",
      "deno task flowtime state --run-dir run_deterministic_e673448a --bin 5 --format csv > state.csv",
      "deno task flowtime capture --run-dir ../data/runs/run_deterministic_e673448a --output ../data/telemetry/qb",
    ].join("\n");
    const out = await new Deno.Command("bash", {
      args: ["-e", "-c", script],
      cwd: sub,
      env: shellEnv(freePort()),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(out.code, 0, `${dec.decode(out.stdout)}\n${dec.decode(out.stderr)}`);
    assert.match(
      dec.decode(out.stdout),
      /^run run_deterministic_e673448a written to data\/runs\/run_deterministic_e673448a$/m,
    );
    assert.match(await Deno.readTextFile(join(sub, "state.csv")), /^5,.*,OrderService,/m);
    await Deno.stat(join(copy.path, "data/telemetry/qb/manifest.json"));
  },
});

Deno.test("docs: the TypeScript examples type-check against the library", async () => {
  const files: string[] = [];
  for (const file of FILES) {
    const blocks = extractBlocks(await Deno.readTextFile(join(ROOT, file)), file);
    if (blocks.some((b) => b.lang === "ts")) files.push(file);
  }
  assert.ok(files.includes("README.md"), "the README's library example is one of them");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--doc-only", ...files],
    cwd: ROOT,
    env: { ...NEUTRAL_ENV },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
});
