// lib/artifacts/_series_path.ts: the path of a series file is the one resolveInside gives, and
// what resolveInside refuses is refused the same way.
import assert from "node:assert/strict";
import { seriesPaths } from "../../lib/artifacts/_series_path.ts";
import { resolveInside } from "../../lib/base/paths.ts";

Deno.test("series paths are resolveInside's, plain names or not", () => {
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
    const pathOf = seriesPaths(dir);
    for (const path of paths) {
      const outcome = (f: () => string): string => {
        try {
          return f();
        } catch (err) {
          return `${(err as { code?: string }).code}: ${(err as Error).message}`;
        }
      };
      assert.equal(
        outcome(() => pathOf({ id: "s", path })),
        outcome(() => resolveInside(dir, path, "series path of s")),
        `${dir} ${path.slice(0, 40)}`,
      );
    }
  }
});
