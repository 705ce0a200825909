import assert from "node:assert/strict";
import { isAbsolute, join, normalize, relative, resolve } from "node:path";
import { assertSafeId, insideResolver, isSafeId, resolveInside } from "../../lib/base/paths.ts";
import { fc } from "../_dev_deps.ts";
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

// resolveInside's checks as they were before plain paths were joined directly: every reference
// normalised, resolved and made relative again.
function resolvedTheLongWay(root: string, ref: string): string {
  if (
    // deno-lint-ignore no-control-regex
    ref.length === 0 || /[\u0000-\u001f\\]/.test(ref) || ref.length > 4096 ||
    ref.split("/").some((segment) => segment.length > 255) || isAbsolute(ref)
  ) return "path_escape";
  const rootAbs = resolve(root);
  const rel = relative(rootAbs, resolve(rootAbs, normalize(ref)));
  if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) return "path_escape";
  return join(rootAbs, rel);
}

Deno.test("property: resolveInside and insideResolver give what the full checks give", () => {
  const segment = fc.constantFrom(
    "a",
    "b.csv",
    "a@A@DEFAULT.csv",
    ".",
    "..",
    "",
    ".hidden",
    "...",
    "x".repeat(255),
    "x".repeat(256),
    "a\\b",
    "a\u0001",
    "\u007f",
  );
  const outcome = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };
  fc.assert(
    fc.property(
      fc.constantFrom("/data/run", "/", "data/run", "./data/../run/"),
      fc.array(segment, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (root, segments, long) => {
        const ref = long ? segments.join("/").padEnd(4097, "y") : segments.join("/");
        const want = resolvedTheLongWay(root, ref);
        assert.equal(outcome(() => resolveInside(root, ref, "source")), want, ref);
        assert.equal(outcome(() => insideResolver(root)(ref, "source")), want, ref);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("insideResolver gives resolveInside's answer for a run's series paths, plain names or not", () => {
  const paths = [
    "series/n0_in@N0_IN@DEFAULT.csv",
    "series/a.b.csv",
    "a",
    "-x/_y/@z",
    "series/../series/a.csv",
    "series/./a.csv",
    "series//a.csv",
    "series/.hidden.csv",
    "series/a.csv/",
    "../outside.csv",
    "/etc/passwd",
    "series\\a.csv",
    "series/a\u0000.csv",
    "",
    `series/${"x".repeat(255)}.csv`,
    `series/${"x".repeat(256)}`,
    `${"a/".repeat(2100)}a`,
  ];
  for (const dir of ["/tmp/run", "/tmp/run/", "runs/run", "./run", "/"]) {
    const inRun = insideResolver(dir);
    for (const path of paths) {
      const outcome = (f: () => string): string => {
        try {
          return f();
        } catch (err) {
          return `${(err as { code?: string }).code}: ${(err as Error).message}`;
        }
      };
      assert.equal(
        outcome(() => inRun(path, "series path of s")),
        outcome(() => resolveInside(dir, path, "series path of s")),
        `${dir} ${path.slice(0, 40)}`,
      );
    }
  }
});
