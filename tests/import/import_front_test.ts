// The import through its front ends, against a real Prometheus: the CLI as a subprocess with
// exactly the network permission it needs (and without it), credentials from the environment,
// and POST /v1/telemetry/imports, whose configured credentials go to their own URL only.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { FIXED_TIME, readTree, ROOT, runCli } from "../_helpers.ts";
import { buildFixture, selectorMapping } from "./_fixture.ts";
import { PROMETHEUS_MISSING, startPrometheus } from "./_prometheus.ts";

Deno.test({
  name: "flowtime telemetry import prometheus and POST /v1/telemetry/imports",
  ignore: PROMETHEUS_MISSING !== undefined,
  async fn(t) {
    await using fx = await buildFixture("prom-front");
    await using prom = await startPrometheus({ backfill: [fx.backfill[0]] });
    const host = `127.0.0.1:${prom.port}`;
    const mappingFile = join(fx.data, "mapping.json");
    const mapping = selectorMapping(fx.capture, fx.source.runId);
    await Deno.writeTextFile(mappingFile, JSON.stringify(mapping, null, 2));
    const grid = [
      "--start",
      fx.grid.start,
      "--bins",
      String(fx.grid.bins),
      "--bin-size",
      String(fx.grid.binSize),
      "--bin-unit",
      fx.grid.binUnit,
    ];
    const permissions = (net: string | undefined) => [
      `--allow-read=${ROOT}`,
      `--allow-write=${fx.data}`,
      ...(net ? [`--allow-net=${net}`] : []),
      "--allow-env",
    ];
    const flowtime = (
      args: string[],
      options: { net?: string; env?: Record<string, string> } = {},
    ) =>
      runCli(["telemetry", "import", "prometheus", ...args], {
        permissions: permissions(options.net ?? host),
        env: { FLOWTIME_DATA_DIR: fx.data, ...options.env },
      });
    await t.step(
      "the CLI imports exactly the capture, with only --allow-net=<host:port>",
      async () => {
        const out = join(fx.data, "telemetry", "cli");
        const run = await flowtime([
          "--url",
          prom.url,
          "--mapping",
          mappingFile,
          ...grid,
          "--output",
          out,
          "--imported-at",
          FIXED_TIME,
          "--json",
        ]);
        assert.equal(run.code, 0, run.stderr);
        const result = JSON.parse(run.stdout);
        assert.equal(result.checksum, fx.capture.manifest.checksum);
        assert.equal(result.requests, 8);
        assert.deepEqual(result.warnings, []);
        // SOURCE_DATE_EPOCH fixes the import time as well, and the text output says what was done
        const again = await flowtime(
          ["--mapping", mappingFile, ...grid, "--output", join(fx.data, "telemetry", "cli2")],
          {
            env: {
              SOURCE_DATE_EPOCH: String(Date.parse(FIXED_TIME) / 1000),
              FLOWTIME_PROMETHEUS_URL: prom.url,
            },
          },
        );
        assert.equal(again.code, 0, again.stderr);
        assert.match(
          again.stdout,
          /^imported 8 file\(s\) from Prometheus at http:\/\/127\.0\.0\.1:\d+ into /,
        );
        assert.match(
          again.stdout,
          /import import_prometheus_[0-9a-f]{16}: 288 bins of 5 minutes from 2025-10-07T00:00:00Z, 0 warning\(s\), checksum sha256:/,
        );
        assert.deepEqual(await readTree(join(fx.data, "telemetry", "cli2")), await readTree(out));
      },
    );

    await t.step(
      "a dry run writes nothing; the default folder is telemetry/<importId>",
      async () => {
        const run = await flowtime([
          "--url",
          prom.url,
          "--mapping",
          mappingFile,
          ...grid,
          "--dry-run",
        ]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(
          run.stdout,
          /^dry run: import from Prometheus at .* into .*telemetry\/import_prometheus_[0-9a-f]{16} \(nothing written\)/,
        );
        const listed = (await Array.fromAsync(Deno.readDir(join(fx.data, "telemetry")))).map((
          e,
        ) => e.name);
        assert.ok(!listed.some((n) => n.startsWith("import_")), listed.join(", "));
      },
    );

    await t.step(
      "without network permission the error names the --allow-net to add",
      async () => {
        const run = await flowtime(["--url", prom.url, "--mapping", mappingFile, ...grid], {
          net: "",
        });
        assert.equal(run.code, 1);
        assert.equal(
          run.stderr.trim(),
          `error: reaching Prometheus at ${prom.url} is not permitted; run with --allow-net=${host}`,
        );
      },
    );

    await t.step("a refused query exits 1 naming the mapping file, line and entry", async () => {
      const bad = join(fx.data, "bad.yaml");
      await Deno.writeTextFile(
        bad,
        "queries:\n  - node: A\n    metric: served\n    query: 'rate(x[5m]'\n",
      );
      const run = await flowtime(["--url", prom.url, "--mapping", bad, ...grid]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^error: .*bad\.yaml:2: queries\[0\]\.query: A Served: Prometheus at .* rejected the query 'rate\(x\[5m\]' \(HTTP 400, bad_data: /,
      );
    });

    await t.step(
      "credentials come from the environment; half of them, or both kinds, is a usage error",
      async () => {
        const both = await flowtime(["--url", prom.url, "--mapping", mappingFile, ...grid], {
          env: { FLOWTIME_PROMETHEUS_TOKEN: "t", FLOWTIME_PROMETHEUS_USERNAME: "u" },
        });
        assert.equal(both.code, 2);
        assert.match(
          both.stderr,
          /set either FLOWTIME_PROMETHEUS_TOKEN or FLOWTIME_PROMETHEUS_USERNAME and FLOWTIME_PROMETHEUS_PASSWORD, not both/,
        );
        const inUrl = await flowtime([
          "--url",
          `http://u:hunter2@${host}`,
          "--mapping",
          mappingFile,
          ...grid,
        ]);
        assert.equal(inUrl.code, 2);
        assert.match(
          inUrl.stderr,
          /carries credentials.*set FLOWTIME_PROMETHEUS_TOKEN, or FLOWTIME_PROMETHEUS_USERNAME and FLOWTIME_PROMETHEUS_PASSWORD, to authenticate/,
        );
        assert.ok(!inUrl.stderr.includes("hunter2"));
        const noUrl = await flowtime(["--mapping", mappingFile, ...grid]);
        assert.equal(noUrl.code, 2);
        assert.match(noUrl.stderr, /missing --url \(or set FLOWTIME_PROMETHEUS_URL\)/);
        const badUnit = await flowtime([
          "--url",
          prom.url,
          "--mapping",
          mappingFile,
          ...grid.slice(0, 6),
          "--bin-unit",
          "fortnights",
        ]);
        assert.equal(badUnit.code, 2);
        assert.match(badUnit.stderr, /--bin-unit must be one of minutes, hours, days, weeks/);
      },
    );

    await t.step(
      "POST /v1/telemetry/imports writes telemetry/<name>; errors keep their status",
      async () => {
        const data = join(fx.data, "server");
        const app = createApp({ dataDir: data, logger: false, prometheus: { url: prom.url } });
        const post = (body: unknown) =>
          app.request("/v1/telemetry/imports", { method: "POST", body: JSON.stringify(body) });
        const body = {
          mapping,
          start: fx.grid.start,
          bins: fx.grid.bins,
          binSize: fx.grid.binSize,
          binUnit: fx.grid.binUnit,
          name: "orders",
          importedAt: FIXED_TIME,
        };
        const created = await post(body);
        assert.equal(created.status, 201);
        const answer = await created.json();
        assert.equal(answer.outputDir, "telemetry/orders");
        assert.equal(answer.manifest.checksum, fx.capture.manifest.checksum);
        assert.deepEqual(
          await readTree(join(data, "telemetry", "orders")),
          await readTree(join(fx.data, "telemetry", "cli")),
        );
        const exists = await post(body);
        assert.equal(exists.status, 409);
        assert.match((await exists.json()).error, /send "overwrite": true to replace it/);
        const dry = await post({ ...body, name: "dry", dryRun: true });
        assert.equal(dry.status, 200);
        await assert.rejects(Deno.stat(join(data, "telemetry", "dry")), Deno.errors.NotFound);
        const badMapping = await post({
          ...body,
          mapping: { queries: [{ node: "A", metric: "latency", query: "q" }] },
        });
        assert.equal(badMapping.status, 400);
        assert.equal((await badMapping.json()).code, "mapping_invalid");
        const unknown = await post({ ...body, password: "x" });
        assert.equal(unknown.status, 400);
        const badName = await post({ ...body, name: "../x" });
        assert.equal(badName.status, 400);
        const refused = await post({
          ...body,
          mapping: { queries: [{ node: "A", metric: "served", query: "sum(" }] },
        });
        assert.equal(refused.status, 422);
        assert.equal((await refused.json()).code, "query_failed");
        const down = await post({ ...body, url: "http://127.0.0.1:1", name: "down" });
        assert.equal(down.status, 502);
        assert.equal((await down.json()).code, "source_unavailable");
      },
    );

    await t.step("the server sends its credentials to their configured URL only", async () => {
      const seen: Array<string | null> = [];
      const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
        seen.push(req.headers.get("authorization"));
        const res = await fetch(`${prom.url}${new URL(req.url).pathname}`, {
          method: "POST",
          headers: { "content-type": req.headers.get("content-type") ?? "" },
          body: await req.arrayBuffer(),
        });
        return new Response(await res.arrayBuffer(), {
          status: res.status,
          headers: { "content-type": "application/json" },
        });
      });
      try {
        const proxyUrl = `http://127.0.0.1:${proxy.addr.port}`;
        const body = {
          mapping,
          start: fx.grid.start,
          bins: fx.grid.bins,
          binSize: fx.grid.binSize,
          dryRun: true,
        };
        const elsewhere = createApp({
          dataDir: join(fx.data, "server2"),
          logger: false,
          prometheus: { url: prom.url, credentials: { bearerToken: "server-token" } },
        });
        const res = await elsewhere.request("/v1/telemetry/imports", {
          method: "POST",
          body: JSON.stringify({ ...body, url: proxyUrl }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        assert.ok(seen.length > 0 && seen.every((h) => h === null), "credentials leaked");
        seen.length = 0;
        const configured = createApp({
          dataDir: join(fx.data, "server3"),
          logger: false,
          prometheus: { url: `${proxyUrl}/`, credentials: { bearerToken: "server-token" } },
        });
        const ok = await configured.request("/v1/telemetry/imports", {
          method: "POST",
          body: JSON.stringify(body),
        });
        assert.equal(ok.status, 200);
        assert.ok(seen.length > 0 && seen.every((h) => h === "Bearer server-token"));
      } finally {
        await proxy.shutdown();
      }
    });
  },
});
