// A Sim service that answers with hundreds of megabytes is cut off at 16 MiB with sim_error,
// whether it declares the length or streams without one.
import assert from "node:assert/strict";
import { HttpSimClient } from "../../lib/sim/http.ts";
import { assertRejectsCode } from "../_helpers.ts";

Deno.test("a remote Sim sending 400 MB is refused after 16 MiB, declared or streamed", async () => {
  let sent = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const declared = new URL(req.url).pathname.endsWith("/generate") ? false : true;
    let left = 400;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left-- === 0) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "application/json",
        ...(declared ? { "content-length": String(400 * chunk.length) } : {}),
      },
    });
  });
  try {
    const client = new HttpSimClient(`http://127.0.0.1:${server.addr.port}`);
    for (const call of [() => client.listTemplates(), () => client.generate("x", {})]) {
      await assertRejectsCode(call, "sim_error", /with more than 16777216 bytes/);
    }
    assert.ok(sent < 100 * chunk.length, `the client stopped reading early (${sent} bytes sent)`);
  } finally {
    await server.shutdown();
  }
});
