// Choosing the Sim client and gathering caller parameters through it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createSimClient } from "../../lib/sim/select.ts";
import { HttpSimClient } from "../../lib/sim/http.ts";
import { InProcessSimClient } from "../../lib/sim/in_process.ts";
import { collectParameters } from "../../lib/sim/parameters.ts";
import { ROOT, tempDir } from "../_helpers.ts";

Deno.test("a Sim URL selects the HTTP client, none the in-process one", () => {
  const http = createSimClient({ simUrl: "http://127.0.0.1:8080/" });
  assert.ok(http instanceof HttpSimClient);
  assert.equal(http.baseUrl, "http://127.0.0.1:8080");
  const local = createSimClient({ templatesDir: "somewhere" });
  assert.ok(local instanceof InProcessSimClient);
  assert.equal(local.templatesDir, "somewhere");
});

Deno.test("an empty Sim URL means the in-process Sim over ./templates", () => {
  const local = createSimClient({ simUrl: "" });
  assert.ok(local instanceof InProcessSimClient);
  assert.equal(local.templatesDir, "./templates");
});

Deno.test("collectParameters: file values, then --param values typed by the template's declarations", async () => {
  await using dirTmp = await tempDir("collect");
  const dir = dirTmp.path;
  await Deno.writeTextFile(join(dir, "p.json"), '{"bins": 12, "orderCapacity": 100}');
  const sim = new InProcessSimClient(join(ROOT, "templates"));
  assert.deepEqual(
    await collectParameters(sim, {
      file: join(dir, "p.json"),
      assignments: [
        "orderCapacity=120.5",
        "paymentCapacityLevels=90,130",
        "start=2025-01-01T00:00:00Z",
      ],
      templateId: "order-system",
    }),
    {
      bins: 12,
      orderCapacity: 120.5,
      paymentCapacityLevels: [90, 130],
      start: "2025-01-01T00:00:00Z",
    },
  );
});
