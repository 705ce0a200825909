// The checked-in capture bundles (fixtures/captures/) are valid: each manifest matches the
// schema, lists exactly the files present with their sha256 and row counts, and the checksum is
// the documented one. tests/golden_test.ts separately regenerates them byte for byte.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadGapConfig } from "../../lib/telemetry/gap_config.ts";
import type { TelemetryManifest } from "../../lib/telemetry/types.ts";
import { CAPTURE_GOLDENS } from "../../scripts/golden/captures.ts";
import { assertMatchesSchema, readJsonFile, readTree, ROOT } from "../_helpers.ts";

const sha = (data: Uint8Array | string) =>
  `sha256:${createHash("sha256").update(data).digest("hex")}`;

for (const golden of CAPTURE_GOLDENS) {
  Deno.test(`golden capture ${golden.name}: manifest valid, hashes and checksum match the files`, async () => {
    const dir = join(ROOT, "fixtures/captures", golden.name);
    const manifest = await readJsonFile<TelemetryManifest>(join(dir, "manifest.json"));
    assertMatchesSchema("telemetry-manifest", manifest, `${golden.name}/manifest.json`);
    const tree = await readTree(dir);
    assert.deepEqual(
      [...tree.keys()].filter((p) => p !== "manifest.json").sort(),
      manifest.files.map((f) => f.path).sort(),
    );
    for (const f of manifest.files) {
      const bytes = tree.get(f.path)!;
      assert.equal(f.hash, sha(bytes), f.path);
      assert.equal(f.points, new TextDecoder().decode(bytes).trimEnd().split("\n").length - 1);
    }
    const lines = manifest.files.map((f) => `${f.path} ${f.hash}\n`).sort().join("");
    assert.equal(manifest.checksum, sha(lines));
    assert.equal(manifest.provenance.capturedAtUtc, "2025-10-07T00:00:00Z");
    if (golden.gaps) {
      const gaps = await loadGapConfig(join(ROOT, golden.gaps));
      assert.deepEqual(manifest.gaps, { hash: gaps.hash, seed: gaps.config.seed });
      assert.ok(manifest.warnings.length > 0);
    } else {
      assert.equal(manifest.gaps, undefined);
      assert.deepEqual(manifest.warnings, []);
    }
  });
}

Deno.test("golden capture microservices: the gap rules show in the files as documented", async () => {
  const dir = join(ROOT, "fixtures/captures/microservices");
  const arrivals = await Deno.readTextFile(join(dir, "API_Gateway_arrivals.csv"));
  // drop [10, 11, "20-23"]: those rows are gone, their neighbours stay
  assert.match(arrivals, /\n9,[^\n]+\n12,/);
  assert.match(arrivals, /\n19,[^\n]+\n24,/);
  assert.equal(arrivals.trimEnd().split("\n").length - 1, 144 - 6);
  // zero ["100-103"] on PaymentService errors
  const errors = await Deno.readTextFile(join(dir, "PaymentService_errors.csv"));
  assert.match(errors, /\n100,0\n101,0\n102,0\n103,0\n/);
  // nan fraction 0.05 of 144 bins = 7 empty cells in every served file
  for (
    const node of [
      "API_Gateway",
      "AuthService",
      "OrderService",
      "PaymentService",
      "InventoryService",
      "ShippingService",
    ]
  ) {
    const served = await Deno.readTextFile(join(dir, `${node}_served.csv`));
    assert.equal(served.match(/,\n/g)?.length, 7, node);
  }
});

Deno.test("golden capture http-service: the files are FlowTime's own telemetry CSVs, byte for byte", async () => {
  for (const metric of ["arrivals", "served", "errors"]) {
    assert.deepEqual(
      await Deno.readFile(
        join(ROOT, "fixtures/captures/http-service", `HttpService_${metric}.csv`),
      ),
      await Deno.readFile(
        join(ROOT, "fixtures/reference/flowtime/http-service", `HttpService_${metric}.csv`),
      ),
      metric,
    );
  }
});
