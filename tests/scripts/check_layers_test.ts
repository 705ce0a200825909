// The layer check used by `deno task check`: the real tree passes; an upward import, a cycle and
// a reach into another folder's private file are each reported.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkLayers } from "../../scripts/check_layers.ts";
import { ROOT, tempDir } from "../_helpers.ts";

Deno.test("the project's own lib/, server/ and cli/ import only downwards, without cycles", async () => {
  const { problems } = await checkLayers(ROOT);
  assert.deepEqual(problems, []);
});

Deno.test("an upward import, the cycle it closes and a private import are reported", async () => {
  await using tmp = await tempDir("layers");
  const root = tmp.path;
  {
    const write = async (path: string, text: string) => {
      await Deno.mkdir(join(root, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    };
    await write("lib/model/types.ts", 'import { x } from "../workflow/loop.ts";\n');
    await write("lib/workflow/loop.ts", 'export { y } from "../model/types.ts";\n');
    await write("server/app.ts", 'import { z } from "../lib/state/_capture.ts";\n');
    await write("cli/main.ts", "export const main = 1;\n");
    const { problems } = await checkLayers(root);
    const reasons = problems.map((p) => `${p.file}: ${p.reason}`);
    assert.ok(
      reasons.some((r) =>
        /^lib\/model\/types\.ts: lib\/model .* may only import lower layers/.test(r)
      ),
      reasons.join("\n"),
    );
    assert.ok(reasons.some((r) => /cycle lib\/model -> lib\/workflow -> lib\/model/.test(r)));
    assert.ok(reasons.some((r) => /^server\/app\.ts: imports a file private/.test(r)));
  }
});

Deno.test("no file in lib/ is much over 400 lines (one concern per file)", async () => {
  const long: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.name.endsWith(".ts")) {
        const lines = (await Deno.readTextFile(join(ROOT, rel))).split("\n").length - 1;
        if (lines > 400) long.push(`${rel}: ${lines} lines`);
      }
    }
  };
  await walk("lib");
  assert.deepEqual(long, [], "split these by concern");
});

Deno.test("lib/ speaks no CLI: no flag in its text (Deno's --allow-* aside), no environment, no printing, no exit", async () => {
  const rules: Array<[RegExp, string]> = [
    [/(?<![\w-])--(?!allow-)[a-z][a-z-]*/, "names a CLI flag: use a fix {option, effect}"],
    [/\bDeno\.(env|args|exit)\b/, "reads the environment, the arguments or exits"],
    [/\bconsole\.[a-z]+\(/, "prints"],
  ];
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.name.endsWith(".ts")) {
        const lines = (await Deno.readTextFile(join(ROOT, rel))).split("\n");
        lines.forEach((line, i) => {
          if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments and doc examples
          for (const [pattern, why] of rules) {
            if (pattern.test(line)) found.push(`${rel}:${i + 1}: ${why}: ${line.trim()}`);
          }
        });
      }
    }
  };
  await walk("lib");
  assert.deepEqual(found, []);
});
