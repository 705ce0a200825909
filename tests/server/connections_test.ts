// The connection layer in front of the app (server/connections.ts, server/http1.ts): HTTP/1.1
// framing, deadlines for heads, bodies, idle keep-alives and writes, the connection cap with
// eviction of waiting connections, the request body budget, and shutdown. Each test serves a
// handler of its own on 127.0.0.1 with short deadlines; every wait has a generous bound.
import assert from "node:assert/strict";
import {
  type ConnectionLimits,
  type RequestHandler,
  serveConnections,
} from "../../server/connections.ts";
import type { LogRecord } from "../../server/logger.ts";
import { head, RawConnection } from "../_raw_client.ts";

function serve(handler: RequestHandler, limits: ConnectionLimits = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const logs: LogRecord[] = [];
  const server = serveConnections(listener, {
    handler,
    baseUrl: `http://127.0.0.1:${port}`,
    logger: { log: (r) => logs.push(r) },
    limits,
  });
  const conns: RawConnection[] = [];
  return {
    port,
    server,
    logs,
    async connect() {
      const c = await RawConnection.open(port);
      conns.push(c);
      return c;
    },
    async [Symbol.asyncDispose]() {
      for (const c of conns) c.close();
      await server.shutdown();
    },
  };
}

const echo: RequestHandler = async (req) => {
  const body = req.body ? await req.text() : "";
  return new Response(`${req.method} ${new URL(req.url).pathname} ${body.length}:${body}`, {
    headers: { "x-seen": "1" },
  });
};

const GET = (path = "/") => head(`GET ${path} HTTP/1.1`, "Host: t");

Deno.test("framing: keep-alive, pipelined requests answered in order, HEAD keeps the length", async () => {
  await using s = serve((req) =>
    Promise.resolve(
      req.method === "HEAD"
        ? new Response(null, { headers: { "content-length": "5" } })
        : new Response("hello"),
    )
  );
  const c = await s.connect();
  await c.send(GET("/a") + GET("/b") + head("HEAD /c HTTP/1.1", "Host: t"));
  const a = await c.response();
  const b = await c.response();
  const h = await c.response({ head: true });
  assert.equal(a?.status, 200);
  assert.equal(a?.body, "hello");
  assert.equal(b?.body, "hello");
  assert.equal(h?.status, 200);
  assert.equal(h?.headers.get("content-length"), "5");
  assert.equal(h?.body, "");
  assert.equal(a?.headers.get("keep-alive"), "timeout=5");
  // The connection is still usable.
  await c.send(GET("/d"));
  assert.equal((await c.response())?.body, "hello");
});

Deno.test("framing: chunked and Content-Length bodies reach the handler, sent in pieces", async () => {
  await using s = serve(echo);
  const c = await s.connect();
  const chunked = head("POST /x HTTP/1.1", "Host: t", "Transfer-Encoding: chunked") +
    "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (let i = 0; i < chunked.length; i += 7) await c.send(chunked.slice(i, i + 7));
  assert.equal((await c.response())?.body, "POST /x 11:hello world");
  await c.send(head("POST /y HTTP/1.1", "Host: t", "Content-Length: 3") + "abc");
  assert.equal((await c.response())?.body, "POST /y 3:abc");
  // Expect: 100-continue gets its interim answer before the body is sent.
  await c.send(head("POST /z HTTP/1.1", "Host: t", "Content-Length: 2", "Expect: 100-continue"));
  assert.equal((await c.response())?.status, 100);
  await c.send("ok");
  assert.equal((await c.response())?.body, "POST /z 2:ok");
});

Deno.test("framing: malformed requests get a 4xx or 5xx JSON answer and the connection closes", async () => {
  await using s = serve(echo);
  const cases: Array<[string, string, number, string]> = [
    [
      "both framings",
      head("POST / HTTP/1.1", "Host: t", "Content-Length: 3", "Transfer-Encoding: chunked"),
      400,
      "bad_request",
    ],
    ["no Host", head("GET / HTTP/1.1"), 400, "bad_request"],
    ["two Hosts", head("GET / HTTP/1.1", "Host: a", "Host: b"), 400, "bad_request"],
    ["HTTP/2.0", head("GET / HTTP/2.0", "Host: t"), 505, "http_version_not_supported"],
    ["garbage", "hello there\r\n\r\n", 400, "bad_request"],
    ["raw non-ASCII target", head("GET /caf\u00e9 HTTP/1.1", "Host: t"), 400, "bad_request"],
    ["raw backslash", head("GET /a\\..\\b HTTP/1.1", "Host: t"), 400, "bad_request"],
    ["space in target", head("GET /a b HTTP/1.1", "Host: t"), 400, "bad_request"],
    ["folded header", head("GET / HTTP/1.1", "Host: t", "X-A: 1", " 2"), 400, "bad_request"],
    ["space before colon", head("GET / HTTP/1.1", "Host : t"), 400, "bad_request"],
    ["NUL in a value", head("GET / HTTP/1.1", "Host: t", "X-A: a\u0000b"), 400, "bad_request"],
    ["bad length", head("POST / HTTP/1.1", "Host: t", "Content-Length: 1e3"), 400, "bad_request"],
    [
      "two lengths",
      head("POST / HTTP/1.1", "Host: t", "Content-Length: 3", "Content-Length: 4"),
      400,
      "bad_request",
    ],
    [
      "gzip coding",
      head("POST / HTTP/1.1", "Host: t", "Transfer-Encoding: gzip, chunked"),
      501,
      "not_implemented",
    ],
    ["odd Expect", head("GET / HTTP/1.1", "Host: t", "Expect: magic"), 417, "expectation_failed"],
    ["8 KB target", head(`GET /${"a".repeat(9000)} HTTP/1.1`, "Host: t"), 414, "uri_too_long"],
    [
      "40 KB of headers",
      head("GET / HTTP/1.1", "Host: t", ...Array(40).fill(`X-A: ${"a".repeat(1000)}`)),
      431,
      "headers_too_large",
    ],
    [
      "101 headers",
      head("GET / HTTP/1.1", "Host: t", ...Array(101).fill("X-A: 1")),
      431,
      "headers_too_large",
    ],
    [
      "bad chunk size",
      head("POST / HTTP/1.1", "Host: t", "Transfer-Encoding: chunked") + "zz\r\n",
      400,
      "bad_request",
    ],
    [
      "chunk without CRLF",
      head("POST / HTTP/1.1", "Host: t", "Transfer-Encoding: chunked") + "1\r\nab\r\n",
      400,
      "bad_request",
    ],
    ["asterisk", head("GET * HTTP/1.1", "Host: t"), 400, "bad_request"],
  ];
  for (const [what, request, status, code] of cases) {
    const c = await s.connect();
    await c.send(request);
    const r = await c.response();
    assert.equal(r?.status, status, what);
    assert.equal(JSON.parse(r!.body).code, code, what);
    assert.equal(r?.headers.get("connection"), "close", what);
    assert.equal(await c.closedByServer(), "", `${what}: closed after the answer`);
  }
  // Absolute-form targets and a leading empty line are understood.
  const c = await s.connect();
  await c.send("\r\n" + head("GET http://t/abs?q=1 HTTP/1.1", "Host: t"));
  assert.equal((await c.response())?.body, "GET /abs 0:");
  // HTTP/1.0 closes after the answer unless asked to keep alive.
  const old = await s.connect();
  await old.send(head("GET /old HTTP/1.0"));
  assert.equal((await old.response())?.headers.get("connection"), "close");
  assert.equal(await old.closedByServer(), "");
});

const SHORT: ConnectionLimits = {
  headersTimeoutMs: 300,
  bodyTimeoutMs: 300,
  idleTimeoutMs: 300,
  writeTimeoutMs: 300,
};

Deno.test("deadlines: silent, dripping and stalled clients are closed; a slow handler is not", async () => {
  await using s = serve(async (req) => {
    if (new URL(req.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 1000));
    return await echo(req);
  }, SHORT);
  // A connection that never sends a byte is answered 408 and closed (under load a request can
  // sit unread in the socket: its client learns it may send it again).
  const silent = await s.connect();
  const r0 = await silent.response();
  assert.equal(r0?.status, 408);
  assert.equal(await silent.closedByServer(), "");
  // Half a head: 408.
  const half = await s.connect();
  await half.send("GET / HTTP/1.1\r\nHost: t\r\n");
  const r1 = await half.response();
  assert.equal(r1?.status, 408);
  assert.equal(JSON.parse(r1!.body).code, "request_timeout");
  // One byte every 50 ms keeps bytes flowing but the head's deadline is its total time.
  const drip = await s.connect();
  const dripping = (async () => {
    for (let i = 0; i < 200; i++) {
      try {
        await drip.send("X");
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const r2 = await drip.response();
  assert.equal(r2?.status, 408);
  drip.close();
  await dripping;
  // A body that stops short: 408.
  const stalled = await s.connect();
  await stalled.send(head("POST / HTTP/1.1", "Host: t", "Content-Length: 10") + "abc");
  assert.equal((await stalled.response())?.status, 408);
  // A kept-alive connection is closed once idle.
  const idle = await s.connect();
  await idle.send(GET());
  assert.equal((await idle.response())?.status, 200);
  assert.equal(await idle.closedByServer(), "");
  // A handler slower than every deadline still answers: no deadline runs while it works.
  const slow = await s.connect();
  await slow.send(GET("/slow"));
  assert.equal((await slow.response())?.status, 200);
  assert.ok(s.server.stats().timedOut >= 5, JSON.stringify(s.server.stats()));
});

Deno.test("deadlines: a client that does not read a large answer is closed after the write deadline", async () => {
  const big = new Uint8Array(64 * 1024 * 1024);
  await using s = serve(() => Promise.resolve(new Response(big)), SHORT);
  const c = await s.connect();
  await c.send(GET());
  // Do not read: the kernel buffers fill up and the write stalls until the deadline.
  for (let i = 0; i < 600 && s.server.stats().open > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(s.server.stats().open, 0, "closed by the write deadline");
  assert.ok(s.server.stats().timedOut >= 1);
});

Deno.test("cap: waiting connections make room for newcomers; when all are busy a newcomer gets 503", async () => {
  const gate = Promise.withResolvers<void>();
  let waiting = 0;
  await using s = serve(async (req) => {
    if (new URL(req.url).pathname === "/wait") {
      waiting++;
      await gate.promise;
    }
    return new Response("ok");
  }, { maxConnections: 3, evictAfterMs: 0 });
  await using _open = { [Symbol.asyncDispose]: () => Promise.resolve(gate.resolve()) };
  // Two idle keep-alives (answered once) and one connection that has sent nothing fill the
  // cap; a fourth is still served, and the longest idle keep-alive is closed without a word.
  const idle = [await s.connect(), await s.connect()];
  for (const c of idle) {
    await c.send(GET());
    assert.equal((await c.response())?.status, 200);
  }
  const silent = await s.connect();
  await waitUntil(() => s.server.stats().open === 3);
  const fresh = await s.connect();
  await fresh.send(GET());
  assert.equal((await fresh.response())?.status, 200);
  assert.equal(await idle[0].closedByServer(), "", "the longest idle keep-alive was closed");
  assert.ok(s.server.stats().evicted >= 1);
  fresh.close();
  idle[1].close();
  await waitUntil(() => s.server.stats().open === 1);
  // Connections waiting for their request are evicted with a 503 and Retry-After, also when
  // none of their bytes has been read (under load a request may sit unread in the socket).
  const waitingOnes = [silent, await s.connect(), await s.connect()];
  await waitUntil(() => s.server.stats().open === 3);
  const next = await s.connect();
  await next.send(GET());
  assert.equal((await next.response())?.status, 200);
  const evicted = await silent.response();
  assert.equal(evicted?.status, 503, "the longest waiting connection was answered");
  assert.equal(JSON.parse(evicted!.body).code, "server_busy");
  assert.equal(evicted?.headers.get("retry-after"), "1");
  next.close();
  for (const c of waitingOnes) c.close();
  await waitUntil(() => s.server.stats().open === 0);
  // Three connections busy in the handler: the fourth is refused politely.
  const busy = [await s.connect(), await s.connect(), await s.connect()];
  for (const c of busy) await c.send(GET("/wait"));
  await waitUntil(() => waiting === 3);
  const refused = await s.connect();
  await refused.send(GET());
  const r = await refused.response();
  assert.equal(r?.status, 503);
  assert.equal(JSON.parse(r!.body).code, "server_busy");
  assert.equal(r?.headers.get("retry-after"), "1");
  gate.resolve();
  for (const c of busy) assert.equal((await c.response())?.status, 200);
  assert.equal(s.server.stats().refused, 1);
  assert.ok(
    s.logs.some((l) => l.event === "connections" && l.level === "warn" && Number(l.evicted) >= 1),
    "the eviction is logged",
  );
});

Deno.test("body budget: a stalled body is closed to make room for a complete one; the budget returns to 0", async () => {
  const handled: string[] = [];
  await using s = serve(async (req) => {
    const res = await echo(req);
    handled.push(await res.clone().text());
    return res;
  }, { bodyBudgetBytes: 1000, maxBodyBytes: 600, evictAfterMs: 0 });
  const stalled = await s.connect();
  await stalled.send(head("POST / HTTP/1.1", "Host: t", "Content-Length: 600") + "x".repeat(10));
  await waitUntil(() => s.server.stats().bodyBytes === 600);
  const whole = await s.connect();
  await whole.send(head("POST / HTTP/1.1", "Host: t", "Content-Length: 600") + "y".repeat(600));
  assert.equal((await whole.response())?.status, 200);
  // The rest of the evicted request, arriving after its eviction, is read and dropped, never
  // handled; the client still reads its 503.
  await stalled.send("x".repeat(590));
  await new Promise((r) => setTimeout(r, 100));
  const r = await stalled.response();
  assert.equal(r?.status, 503);
  assert.equal(JSON.parse(r!.body).code, "server_busy");
  assert.equal(await stalled.closedByServer(), "");
  assert.deepEqual(handled.map((h) => h.slice(0, 10)), ["POST / 600"]);
  await waitUntil(() => s.server.stats().bodyBytes === 0);
  // Declared larger than the limit: the handler sees the declared length and an empty body,
  // and the connection closes after the answer since the body was never read.
  const large = await s.connect();
  await large.send(head("POST / HTTP/1.1", "Host: t", "Content-Length: 100000"));
  assert.equal((await large.response())?.body, "POST / 0:");
  assert.equal(await large.closedByServer(), "");
  // Chunked beyond the limit: the handler gets limit + 1 bytes (so it can refuse), then close.
  const chunked = await s.connect();
  await chunked.send(
    head("POST / HTTP/1.1", "Host: t", "Transfer-Encoding: chunked") +
      `3e8\r\n${"z".repeat(1000)}\r\n`,
  );
  assert.match((await chunked.response())!.body, /^POST \/ 601:/);
  assert.equal(await chunked.closedByServer(), "");
});

Deno.test("shutdown: the request in progress is answered, idle connections are closed", async () => {
  const gate = Promise.withResolvers<void>();
  let waiting = 0;
  const s = serve(async () => {
    waiting++;
    await gate.promise;
    return new Response("done");
  });
  const idle = await s.connect();
  const working = await s.connect();
  await working.send(GET());
  await waitUntil(() => waiting === 1 && s.server.stats().open === 2);
  const stopping = s.server.shutdown();
  assert.equal(await idle.closedByServer(), "");
  gate.resolve();
  const r = await working.response();
  assert.equal(r?.body, "done");
  assert.equal(r?.headers.get("connection"), "close");
  await stopping;
  idle.close();
  working.close();
});

Deno.test("accept errors (out of descriptors) are retried, never fatal", async () => {
  const real = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let failures = 0;
  const flaky = {
    addr: real.addr,
    accept() {
      if (failures < 3) {
        failures++;
        return Promise.reject(
          Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" }),
        );
      }
      return real.accept();
    },
    close: () => real.close(),
  } as unknown as Deno.Listener;
  const logs: LogRecord[] = [];
  const server = serveConnections(flaky, {
    handler: () => Promise.resolve(new Response("ok")),
    baseUrl: "http://127.0.0.1",
    logger: { log: (r) => logs.push(r) },
  });
  const c = await RawConnection.open((real.addr as Deno.NetAddr).port);
  await c.send(GET());
  assert.equal((await c.response())?.body, "ok");
  c.close();
  await server.shutdown();
  assert.equal(server.stats().acceptErrors, 3);
  assert.ok(
    logs.some((l) =>
      l.event === "connections" && /Too many open files/.test(String(l.lastAcceptError))
    ),
    JSON.stringify(logs),
  );
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail("condition not reached in 30 s");
}
