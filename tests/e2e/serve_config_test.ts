// What `flowtime serve` finds out when it starts rather than at the first request: a data
// folder it may not read, a port in use; and that the serve task's own flags let it use the
// Sim service FLOWTIME_SIM_URL names.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer } from "../../server/listen.ts";
import { ROOT, tempDir } from "../_helpers.ts";
import { spawnServer } from "../_server_process.ts";

const TASKS: Record<string, string> = JSON.parse(
  await Deno.readTextFile(join(ROOT, "deno.json")),
).tasks;
const serveFlags = TASKS.serve.split(/\s+/).filter((t) => t.startsWith("--allow-"));

async function serveOnce(flags: string[], env: Record<string, string>, args: string[] = []) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...flags, join(ROOT, "cli.ts"), "serve", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("a data folder outside the read permission stops serve at start, naming the flag", async () => {
  const data = (await tempDir("serve-denied")).path;
  try {
    const r = await serveOnce([
      `--allow-read=${join(ROOT, "cli.ts")}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
    ], {
      FLOWTIME_DATA_DIR: data,
    }, ["--port", "0"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: the data folder ${data} may not be read by this process; run with --allow-read=${data} (the serve task grants ./data)\n`,
    );
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("a port in use is one error line, exit 1", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const r = await serveOnce([`--allow-read=${ROOT}`, "--allow-net=127.0.0.1", "--allow-env"], {
      FLOWTIME_DATA_DIR: join(ROOT, "fixtures"),
    }, ["--port", String(port)]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: port ${port} on 127.0.0.1 is already in use (another 'flowtime serve'?); stop that server or pick another port with --port <n> or FLOWTIME_PORT (0 picks a free one)\n`,
    );
  } finally {
    taken.close();
  }
});

Deno.test({
  name:
    "under the serve task's flags FLOWTIME_SIM_URL is used (templates come from the remote Sim)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const project = (await tempDir("serve-sim")).path;
    await Deno.mkdir(join(project, "data"));
    await Deno.mkdir(join(project, "templates")); // empty: only the remote Sim has templates
    const sim = startServer({
      port: 0,
      logger: false,
      templatesDir: join(ROOT, "templates"),
      dataDir: join(project, "sim-data"),
    });
    const server = await spawnServer({
      flags: serveFlags,
      entry: ["server.ts"],
      cwd: project,
      env: { FLOWTIME_SIM_URL: `http://127.0.0.1:${sim.addr.port}` },
    });
    try {
      const res = await fetch(`${server.base}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          templateId: "http-service",
          options: { createdAt: "2025-10-07T00:00:00Z" },
        }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      assert.equal((await res.json()).templateId, "http-service");
      assert.ok(!server.lines.some((l) => l.includes("FLOWTIME_SIM_URL cannot be read")));
    } finally {
      await server.stop();
      await sim.shutdown();
      await Deno.remove(project, { recursive: true });
    }
  },
});
