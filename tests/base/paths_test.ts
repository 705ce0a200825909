import assert from "node:assert/strict";
import { assertSafeId, isSafeId, resolveInside } from "../../lib/base/paths.ts";
import { assertThrowsCode } from "../_helpers.ts";

Deno.test("safe ids: letters, digits, dot, underscore, dash", () => {
  for (
    const id of ["run_20251007T000000Z_abcd1234", "a", "A.b-c_d", "run_deterministic_1a2b3c4d"]
  ) assert.ok(isSafeId(id), id);
  for (
    const id of [
      "",
      ".",
      "..",
      "a/b",
      "../x",
      "a\\b",
      "a\u0000b",
      "%2e%2e",
      "a b",
      "ä",
      "x".repeat(201),
      "run\u2215x",
    ]
  ) {
    assert.ok(!isSafeId(id), JSON.stringify(id));
    assertThrowsCode(() => assertSafeId(id, "run id"), "invalid_id", undefined, JSON.stringify(id));
  }
});

Deno.test("resolveInside keeps references inside the root", () => {
  assert.equal(
    resolveInside("/data/run", "telemetry/a.csv", "source"),
    "/data/run/telemetry/a.csv",
  );
  assert.equal(resolveInside("/data/run", "./x/../a.csv", "source"), "/data/run/a.csv");
  for (const ref of ["../a.csv", "x/../../a.csv", "/etc/passwd", "a\\..\\b", "a\u0000b", "", "."]) {
    assertThrowsCode(
      () => resolveInside("/data/run", ref, "source"),
      "path_escape",
      undefined,
      JSON.stringify(ref),
    );
  }
});
