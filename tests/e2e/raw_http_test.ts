// The real server on 127.0.0.1 fed raw request targets over a TCP socket (no client normalises
// the path): every traversal vector on every id route is refused with a 4xx, no canary outside
// the data and templates folders is read, nothing is written, and bodies over 1 MiB get 413.
// The server is allowed to read and write the whole test folder, canaries included, so only
// the toolkit's own confinement stands between a request and a canary.
import assert from "node:assert/strict";
import { keepUntilUnload } from "../_helpers.ts";
import { type ServerProcess, spawnServer } from "../_server_process.ts";
import {
  buildConfinementLayout,
  CANARY_RUN,
  type ConfinementLayout,
  idRoutes,
  INSIDE_RUN,
  layoutListing,
  leaksCanary,
  traversalVectors,
} from "../server/_confinement.ts";

function startServer(layout: ConfinementLayout): Promise<ServerProcess> {
  return spawnServer({
    flags: [
      `--allow-read=${layout.base}`,
      `--allow-write=${layout.base}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
    ],
    env: { FLOWTIME_DATA_DIR: layout.dataDir, FLOWTIME_TEMPLATES_DIR: layout.templatesDir },
  });
}

interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Send bytes as they are and read one answer: up to the end of its body (Content-Length) or
 * until the server closes the connection. The body is sent while reading, so a server that
 * answers before reading it all (413) does not leave the client blocked on writing.
 * @param port server port
 * @param head request line and headers (CRLF line ends are added)
 * @param body request body
 * @returns status, headers and body text
 */
async function raw(port: number, head: string[], body: Uint8Array = new Uint8Array()) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const writing = (async () => {
    await conn.write(new TextEncoder().encode(head.join("\r\n") + "\r\n\r\n"));
    for (let at = 0; at < body.length; at += 65536) {
      await conn.write(body.subarray(at, at + 65536));
    }
  })().catch(() => {
    // the server answered and closed before the whole body was sent (413)
  });
  let text = "";
  const decoder = new TextDecoder();
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
      const split = text.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (split >= 0 && length && text.length - split - 4 >= Number(length[1])) break;
    }
  } catch {
    // reset by the server after it answered: keep what was read
  }
  try {
    conn.close();
  } catch {
    // already closed
  }
  await writing;
  const split = text.indexOf("\r\n\r\n");
  return {
    status: Number(text.slice(9, 12)),
    head: split < 0 ? text : text.slice(0, split),
    body: split < 0 ? "" : text.slice(split + 4),
  } satisfies RawResponse;
}

function request(method: string, target: string, body = "", extra: string[] = []): string[] {
  return [
    `${method} ${target} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Connection: close",
    ...(method === "POST"
      ? [
        "Content-Type: application/json",
        `Content-Length: ${new TextEncoder().encode(body).length}`,
      ]
      : []),
    ...extra,
  ];
}

const layout = await buildConfinementLayout();
keepUntilUnload(layout);

Deno.test({
  name:
    "raw TCP: every traversal vector on every id route of the real server is refused; no canary read, nothing written",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const before = await layoutListing(layout);
    const server = await startServer(layout);
    const failures: string[] = [];
    let sent = 0;
    try {
      const check = (what: string, r: RawResponse) => {
        sent++;
        if (!(r.status >= 400 && r.status < 500)) failures.push(`${what}: ${r.status} ${r.body}`);
        else if (leaksCanary(r.body)) failures.push(`canary read: ${what}: ${r.body}`);
        else if (/^x-injected:/im.test(r.head)) failures.push(`header injected: ${what}`);
        else if (r.body.includes(layout.dataDir) || r.body.includes(layout.templatesDir)) {
          failures.push(`server path in the answer: ${what}: ${r.body}`);
        }
      };
      for (const route of idRoutes()) {
        for (const vector of traversalVectors(layout)) {
          const body = route.body?.(vector.value) ?? "";
          const r = await raw(
            server.port,
            request(route.method, route.target(vector.segment), body),
            new TextEncoder().encode(body),
          );
          check(`${route.label} with ${vector.name}`, r);
        }
      }
      // Targets only a raw client can send: unnormalised dot segments, absolute form, raw
      // backslashes and bytes outside ASCII.
      const rawOnly = [
        `/v1/runs/../${CANARY_RUN}/state?binIndex=0`,
        `/v1/runs/${INSIDE_RUN}/../../${CANARY_RUN}/state?binIndex=0`,
        `/v1/runs/./${INSIDE_RUN}/../../../${CANARY_RUN}/model`,
        `/v1/runs/%2e%2e/%2e%2e/${CANARY_RUN}/index`,
        `/v1/runs/${INSIDE_RUN}/series/../../../../${CANARY_RUN}/run.json`,
        `/api/v1/templates/../../canary`,
        `/api/v1/templates/..%2f..%2fcanary`,
        `//v1/runs/..`,
        `http://127.0.0.1/v1/runs/../${CANARY_RUN}`,
        `/v1/runs/..\\..\\${CANARY_RUN}/model`,
        `/v1/runs/\u00e9\u2215${CANARY_RUN}`,
        `*`,
      ];
      for (const target of rawOnly) {
        check(`GET ${target}`, await raw(server.port, request("GET", target)));
      }
      // The same server serves the run and the template inside.
      const ok = await raw(server.port, request("GET", `/v1/runs/${INSIDE_RUN}/state?binIndex=0`));
      assert.equal(ok.status, 200);
      const tpl = await raw(server.port, request("GET", "/api/v1/templates/order-system"));
      assert.equal(tpl.status, 200);
    } finally {
      await server.stop();
    }
    assert.ok(sent > 400, `${sent} requests`);
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests refused wrongly`);
    assert.deepEqual(await layoutListing(layout), before, "nothing was written anywhere");
    const errors = server.lines.filter((l) => /"status":5\d\d|"level":"error"/.test(l));
    assert.deepEqual(errors, [], "no request failed on the server's side");
  },
});

Deno.test({
  name: "raw TCP: bodies over 1 MiB get 413 on every POST route, with or without Content-Length",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer(layout);
    try {
      const big = new Uint8Array(2 * 1024 * 1024).fill(0x20);
      for (
        const path of [
          "/api/v1/templates/order-system/generate",
          "/v1/telemetry/captures",
          "/v1/runs",
        ]
      ) {
        const withLength = await raw(server.port, [
          `POST ${path} HTTP/1.1`,
          "Host: 127.0.0.1",
          "Connection: close",
          "Content-Type: application/json",
          `Content-Length: ${1024 * 1024 + 1}`,
        ], big.subarray(0, 1024 * 1024 + 1));
        assert.equal(withLength.status, 413, `${path}: ${withLength.body}`);
        assert.equal(JSON.parse(withLength.body).code, "payload_too_large");
        // Chunked: one 2 MiB chunk, no length known up front.
        const chunked = await raw(
          server.port,
          [
            `POST ${path} HTTP/1.1`,
            "Host: 127.0.0.1",
            "Connection: close",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
          ],
          new Uint8Array([
            ...new TextEncoder().encode(`${big.length.toString(16)}\r\n`),
            ...big,
            ...new TextEncoder().encode("\r\n0\r\n\r\n"),
          ]),
        );
        assert.equal(chunked.status, 413, `${path} chunked: ${chunked.body}`);
      }
      // A 100 KB request target and a 100 KB header are refused, and the server keeps serving.
      const longTarget = await raw(
        server.port,
        request("GET", `/v1/runs/${INSIDE_RUN}/state?binIndex=${"9".repeat(100_000)}`),
      );
      assert.ok(longTarget.status >= 400 && longTarget.status < 500, `${longTarget.status}`);
      const longHeader = await raw(
        server.port,
        request("GET", "/healthz", "", [`X-Big: ${"a".repeat(100_000)}`]),
      );
      assert.ok(longHeader.status >= 400 && longHeader.status < 500, `${longHeader.status}`);
      const health = await raw(server.port, request("GET", "/healthz"));
      assert.equal(health.status, 200);
    } finally {
      await server.stop();
    }
    assert.ok(!server.lines.some((l) => /"status":5\d\d/.test(l)), server.lines.join("\n"));
  },
});
