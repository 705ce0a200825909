// Reaching the query API: a server that is down, one that never answers, one that is not
// Prometheus, https with basic authentication (Prometheus' own web configuration) and a bearer
// token (Prometheus behind an authenticating proxy). Credentials are never written anywhere.
import assert from "node:assert/strict";
import { join } from "node:path";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { prometheusMappingFromValue } from "../../lib/import/mapping.ts";
import { importPrometheus, type PrometheusImportOptions } from "../../lib/import/prometheus.ts";
import { createApp } from "../../server/app.ts";
import { FIXED_TIME, readTree, tempDir } from "../_helpers.ts";
import { buildFixture, selectorMapping } from "./_fixture.ts";
import { PROMETHEUS_MISSING, startPrometheus } from "./_prometheus.ts";

const GRID = { start: FIXED_TIME, bins: 12, binSize: 5, binUnit: "minutes" as const };
const MAPPING = prometheusMappingFromValue({
  queries: [{ node: "OrderService", metric: "arrivals", query: "sum(up)" }],
});

// The FlowTimeError an import fails with (any code; each test checks its own).
async function failure(options: PrometheusImportOptions): Promise<FlowTimeError> {
  const err = await importPrometheus(options).then(() => undefined, (e) => e);
  assert.ok(err instanceof FlowTimeError, `expected a FlowTimeError, got ${err}`);
  return err;
}

function closedPort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

Deno.test("a server that is down: source_unavailable naming the URL, nothing written", async () => {
  await using tmp = await tempDir("prom-down");
  const dir = tmp.path;
  const url = `http://127.0.0.1:${closedPort()}`;
  const err = await failure({ url, mapping: MAPPING, grid: GRID, outputDir: join(dir, "out") });
  assert.equal(err.code, "source_unavailable");
  assert.match(err.message, new RegExp(`^cannot reach Prometheus at ${url} \\(`));
  assert.deepEqual([...(await readTree(dir)).keys()], []);
});

Deno.test("a server that never answers: the timeout says how long was waited", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  try {
    const err = await failure({
      url: `http://127.0.0.1:${(silent.addr as Deno.NetAddr).port}`,
      mapping: MAPPING,
      grid: GRID,
      timeoutMs: 300,
      dryRun: true,
    });
    assert.equal(err.code, "source_unavailable");
    assert.match(err.message, /did not answer within 300 ms/);
    assert.deepEqual(err.fix, { option: "timeoutMs", effect: "wait longer" });
  } finally {
    silent.close();
    await accepting.catch(() => {});
    for (const c of held) c.close();
  }
});

Deno.test("a server that is not Prometheus (FlowTime's own): source_error saying so", async () => {
  await using data = await tempDir("not-prom");
  const app = createApp({ dataDir: data.path, logger: false });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const err = await failure({ url, mapping: MAPPING, grid: GRID, dryRun: true });
    assert.equal(err.code, "source_error");
    assert.match(
      err.message,
      /does not look like a Prometheus query API: POST \/api\/v1\/query_range answered HTTP 404 with '\{"error":"no route/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("URLs carrying credentials or a query string are refused; so are half credentials", async () => {
  for (
    const [url, pattern] of [
      ["http://admin:secret@127.0.0.1:9090", /carries credentials/],
      ["http://127.0.0.1:9090?token=x", /must not have a query string/],
      ["ftp://127.0.0.1", /must start with http/],
    ]
  ) {
    const err = await failure({ url: url as string, mapping: MAPPING, grid: GRID, dryRun: true });
    assert.equal(err.code, "usage");
    assert.match(err.message, pattern as RegExp);
    assert.ok(!err.message.includes("secret"));
  }
  const half = await failure({
    url: "http://127.0.0.1:9",
    mapping: MAPPING,
    grid: GRID,
    credentials: { username: "admin" },
  });
  assert.match(half.message, /needs both a user name and a password/);
});

Deno.test({
  name:
    "https with basic authentication (Prometheus' web configuration), and a bearer token through a proxy",
  ignore: PROMETHEUS_MISSING !== undefined,
  async fn(t) {
    await using fx = await buildFixture("prom-auth");
    const keys = await selfSignedCertificate(fx.data);
    await using prom = await startPrometheus({
      backfill: [fx.backfill[0]],
      files: { "cert.pem": keys.cert, "key.pem": keys.key },
      caCert: keys.ca,
      // the bcrypt hash of "test" from Prometheus' basic-auth guide
      webConfig: `tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
basic_auth_users:
  admin: $2b$12$hNf2lSsxfm0.i4a.1kVpSOVyBCfIB51VRjgBUyv6kdnyTlgWj81Ay
`,
    });
    const options = (over: Partial<PrometheusImportOptions>): PrometheusImportOptions => ({
      url: prom.url,
      mapping: prometheusMappingFromValue(selectorMapping(fx.capture, fx.source.runId)),
      grid: fx.grid,
      importedAt: FIXED_TIME,
      caCertificates: [keys.ca],
      ...over,
    });
    assert.match(prom.url, /^https:/);
    await t.step(
      "right credentials: the import equals the capture; nothing records them",
      async () => {
        const out = join(fx.data, "telemetry", "tls");
        const result = await importPrometheus(options({
          credentials: { username: "admin", password: "test" },
          outputDir: out,
        }));
        assert.equal(result.manifest.checksum, fx.capture.manifest.checksum);
        assert.equal(result.manifest.provenance.source?.url, prom.url);
        for (const [path, bytes] of await readTree(out)) {
          const text = new TextDecoder().decode(bytes);
          assert.ok(!text.includes("admin") && !text.includes(btoa("admin:test")), path);
        }
      },
    );
    await t.step(
      "no or wrong credentials: HTTP 401 with the fix, never the password",
      async () => {
        for (const credentials of [undefined, { username: "admin", password: "wrong-pass" }]) {
          const err = await failure(options({ credentials, dryRun: true }));
          assert.equal(err.code, "source_error");
          assert.match(err.message, /refused the request \(HTTP 401: authentication required/);
          assert.equal(err.fix?.option, "credentials");
          assert.ok(!err.message.includes("wrong-pass"));
        }
      },
    );
    await t.step("an untrusted certificate: source_unavailable", async () => {
      const err = await failure(options({
        caCertificates: [],
        credentials: { username: "admin", password: "test" },
        dryRun: true,
      }));
      assert.equal(err.code, "source_unavailable");
      assert.match(err.message, /cannot reach Prometheus at https:\/\/127\.0\.0\.1:\d+ \(/);
    });
    await t.step("a bearer token through an authenticating proxy", async () => {
      const token = "s3cr3t-t0ken";
      const upstream = Deno.createHttpClient({ caCerts: [keys.ca] });
      const seen: string[] = [];
      const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
        seen.push(req.headers.get("x-scope-orgid") ?? "");
        if (req.headers.get("authorization") !== `Bearer ${token}`) {
          return new Response("unauthorized", { status: 401 });
        }
        const url = new URL(req.url);
        const res = await fetch(`${prom.url}${url.pathname}`, {
          method: req.method,
          headers: {
            "content-type": req.headers.get("content-type") ?? "",
            authorization: `Basic ${btoa("admin:test")}`,
          },
          body: await req.arrayBuffer(),
          client: upstream,
        });
        // fetch has decoded the body: pass on its type only, not its encoding
        return new Response(await res.arrayBuffer(), {
          status: res.status,
          headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
        });
      });
      try {
        const url = `http://127.0.0.1:${proxy.addr.port}`;
        const ok = await importPrometheus(options({
          url,
          credentials: { bearerToken: token },
          tenant: "team-orders",
          dryRun: true,
        }));
        assert.equal(ok.manifest.checksum, fx.capture.manifest.checksum);
        assert.ok(seen.length > 0 && seen.every((s) => s === "team-orders"));
        const err = await failure(
          options({ url, credentials: { bearerToken: "nope" }, dryRun: true }),
        );
        assert.match(err.message, /HTTP 401/);
        assert.ok(!err.message.includes("nope"));
      } finally {
        await proxy.shutdown();
        upstream.close();
      }
    });
  },
});

// A CA and a server certificate for 127.0.0.1 signed by it, made with openssl (part of every
// Debian base system). rustls refuses a self-signed CA certificate as a server's own.
async function selfSignedCertificate(
  dir: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const openssl = async (...args: string[]) => {
    const out = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  };
  const subject = (cn: string) => ["-subj", `/CN=${cn}`];
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    ...subject("flowtime test CA"),
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    ...subject("127.0.0.1"),
    "-keyout",
    "key.pem",
    "-out",
    "server.csr",
  );
  await Deno.writeTextFile(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "cert.pem",
  );
  const read = (name: string) => Deno.readTextFile(join(dir, name));
  return { ca: await read("ca.pem"), cert: await read("cert.pem"), key: await read("key.pem") };
}
