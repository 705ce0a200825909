// HTTP input limits, in-process: request bodies over 1 MiB get 413 on every POST route (with or
// without a Content-Length), malformed JSON gets 400, and huge or non-numeric query values 400.
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { keepUntilUnload } from "../_helpers.ts";
import { buildConfinementLayout, INSIDE_RUN } from "./_confinement.ts";

const MIB = 1024 * 1024;
const layout = await buildConfinementLayout();
keepUntilUnload(layout);
const app = createApp({
  dataDir: layout.dataDir,
  templatesDir: layout.templatesDir,
  logger: false,
});

/** Every POST route, with a body that is valid JSON of the route's shape. */
const POST_ROUTES: Array<{ path: string; body: string; okStatus: number }> = [
  { path: "/api/v1/templates/order-system/generate", body: "{}", okStatus: 200 },
  {
    path: "/v1/telemetry/captures",
    body: JSON.stringify({ runId: INSIDE_RUN, dryRun: true }),
    okStatus: 200,
  },
  {
    path: "/v1/runs",
    body: JSON.stringify({ templateId: "order-system", options: { dryRun: true } }),
    okStatus: 200,
  },
];

// A JSON body padded with spaces to exactly `size` bytes.
function padded(json: string, size: number): string {
  return json + " ".repeat(size - new TextEncoder().encode(json).length);
}

function streamOf(text: string, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function post(
  path: string,
  body: BodyInit,
): Promise<{ status: number; json: Record<string, string> }> {
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    // a stream body has no Content-Length: the limit must hold while reading
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return { status: res.status, json: await res.json() };
}

for (const route of POST_ROUTES) {
  Deno.test(`POST ${route.path}: a body of exactly 1 MiB is read, one byte more is 413`, async () => {
    const ok = await post(route.path, padded(route.body, MIB));
    assert.equal(ok.status, route.okStatus, JSON.stringify(ok.json).slice(0, 200));
    const big = await post(route.path, padded(route.body, MIB + 1));
    assert.equal(big.status, 413);
    assert.equal(big.json.code, "payload_too_large");
    assert.match(big.json.error, /larger than 1048576 bytes/);
  });

  Deno.test(`POST ${route.path}: a streamed body without Content-Length is cut off at 1 MiB with 413`, async () => {
    const big = await post(route.path, streamOf(padded(route.body, 4 * MIB)));
    assert.equal(big.status, 413);
    assert.equal(big.json.code, "payload_too_large");
    const ok = await post(route.path, streamOf(padded(route.body, MIB)));
    assert.equal(ok.status, route.okStatus);
  });

  Deno.test(`POST ${route.path}: malformed JSON and non-object bodies are 400 invalid_body`, async () => {
    const bad = [
      "{",
      "[1,",
      "nul",
      '{"runId": }',
      '{"a": 1,}',
      "{}garbage",
      "'single'",
      "\u0000",
      "[]",
      "1",
      '"text"',
      "null",
      "true",
    ];
    for (const body of bad) {
      const r = await post(route.path, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.code, "invalid_body", JSON.stringify(body));
      assert.equal(typeof r.json.error, "string");
    }
    // Bytes that are not UTF-8 at all.
    const r = await post(route.path, new Uint8Array([0xff, 0xfe, 0x7b, 0xc0, 0xaf]));
    assert.equal(r.status, 400);
    assert.equal(r.json.code, "invalid_body");
  });
}

Deno.test("huge or non-numeric bin values are 400 with the parameter named", async () => {
  const values = [
    "abc",
    "1.5",
    "-1",
    "1e3",
    "0x10",
    "%20",
    "99999999999999999999999",
    "9".repeat(10_000),
    "x".repeat(100_000),
    "",
  ];
  for (const v of values) {
    for (
      const [query, name] of [
        [`state?binIndex=${v}`, "binIndex"],
        [`state_window?startBin=${v}&endBin=3`, "startBin"],
        [`state_window?startBin=0&endBin=${v}`, "endBin"],
      ]
    ) {
      const res = await app.request(`/v1/runs/${INSIDE_RUN}/${query}`);
      const body = await res.json();
      assert.equal(res.status, 400, `${query.slice(0, 60)}: ${JSON.stringify(body)}`);
      assert.ok(["bin_invalid", "bin_out_of_range"].includes(body.code), body.code);
      assert.ok(body.error.startsWith(`${name} `), body.error);
      assert.ok(body.error.length < 200, `the error echoes a short value: ${body.error.length}`);
    }
  }
});

Deno.test("an inverted window is 400 window_invalid (wider than 1,000 bins: 413, see runs_test.ts)", async () => {
  const res = await app.request(`/v1/runs/${INSIDE_RUN}/state_window?startBin=5&endBin=2`);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).code, "window_invalid");
});

Deno.test("a huge or unknown mode is 400 invalid_mode, echoed short", async () => {
  for (const mode of ["live", "x".repeat(5000), "SIMULATION", "%00"]) {
    const res = await app.request(`/api/v1/templates/order-system/generate?mode=${mode}`, {
      method: "POST",
      body: "{}",
    });
    const body = await res.json();
    assert.equal(res.status, 400, mode.slice(0, 20));
    assert.equal(body.code, "invalid_mode");
    assert.ok(body.error.length < 120, body.error);
  }
});
