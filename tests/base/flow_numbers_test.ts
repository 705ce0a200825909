// The fast path for long number sequences in YAML (lib/base/_number_lists.ts, its multi-line way): whatever the
// context of a `[`, the parsed value, the line of every field and every error are exactly what
// the yaml package alone gives.
import assert from "node:assert/strict";
import { isNode, LineCounter, parse, parseDocument } from "../../lib/base/yaml.ts";
import { parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { shrinkNumberSequences } from "../../lib/base/_number_lists.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";

const nums = (n: number, f = (i: number) => i) => Array.from({ length: n }, (_, i) => f(i));
const long = nums(200).join(", ");
const floats = nums(200, (i) => (i % 3 === 0 ? -i / 7 : i * 1e-3)).map(String).join(",");
const wrapped = nums(200).join(",\n      ");

const documents: Record<string, string> = {
  "block mapping": `values: [${long}]\nafter: 1\n`,
  "flow mapping in a block sequence":
    `nodes:\n  - { id: a, values: [${floats}], kind: const }\n  - { id: b }\n`,
  "block sequence item": `- [${long}]\n- x\n`,
  "several lines": `nodes:\n  - id: a\n    values: [${wrapped}]\n    kind: const\n`,
  "negative zero and exponents": `v: [-0, 0, 1e3, -2.5E-3, ${long}]\n`,
  "double-quoted": `text: "v: [${long}]"\n`,
  "single-quoted over lines": `text: 'a\n  - [${long}]'\n`,
  "block scalar": `text: |\n  values: [${long}]\n  - [${long}]\nnext: [${long}]\n`,
  "folded plain scalar": `title: words\n  - [${long}]\n`,
  "comment": `# values: [${long}]\nx: 1\n`,
  "anchor and alias": `a: &x [${long}]\nb: *x\n`,
  "nested sequence": `m: [[${long}], [${long}]]\n`,
  "strings among numbers": `v: [${long}, abc]\n`,
  "hex and plus": `v: [${long}, 0x10, +3]\n`,
  "trailing comma": `v: [${long},]\n`,
  "closing bracket at the key's indent": `a:\n  v: [${nums(100).join(",\n    ")}\n  ]\n`,
  "insufficient indentation (error)": `a:\n  v: [${nums(100).join(",\n")}]\n`,
  "empty entry (error)": `v: [${long}, , 3]\n`,
  "unclosed (error)": `v: [${long}\nw: 2\n`,
};

for (const [name, text] of Object.entries(documents)) {
  Deno.test(`fast number sequences: ${name} reads exactly as the yaml package reads it`, () => {
    let expected: unknown;
    let expectedError: string | undefined;
    try {
      expected = parse(text, { uniqueKeys: true, strict: true, logLevel: "error" });
    } catch (err) {
      expectedError = (err as Error).message;
    }
    try {
      const located = parseYamlLocated(text, "t.yaml");
      assert.equal(expectedError, undefined, `the yaml package refuses it: ${expectedError}`);
      assert.deepEqual(located.value, expected);
      // Lines of fields after a long sequence are unchanged.
      for (const [path, line] of lines(text)) {
        assert.equal(located.lineOf(path), line, path.join("."));
      }
    } catch (err) {
      if (!(err instanceof FlowTimeError)) throw err;
      assert.ok(
        expectedError !== undefined,
        `refused although the yaml package reads it: ${err.message}`,
      );
      assert.equal(err.code, "yaml_syntax");
    }
  });
}

// Top-level keys and the lines the yaml package alone gives their values.
function lines(text: string): Array<[string[], number]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return text.split("\n").flatMap((l) => {
    const m = /^([a-z]+):/.exec(l);
    const node = m ? doc.getIn([m[1]], true) : undefined;
    return isNode(node) && node.range
      ? [[[m![1]], lineCounter.linePos(node.range[0]).line] as [string[], number]]
      : [];
  });
}

Deno.test("fast number sequences: only long sequences that start a value are shrunk", () => {
  assert.equal(shrinkNumberSequences(`v: [1, 2, 3]\n`), undefined);
  const shrunk = shrinkNumberSequences(`a: x [${long}]\nb: [${wrapped}]\n`)!;
  assert.equal(shrunk.sequences.size, 1);
  assert.equal(
    shrunk.text.split("\n").length,
    `a: x [${long}]\nb: [${wrapped}]\n`.split("\n").length,
  );
  assert.deepEqual([...shrunk.sequences.values()][0], nums(200));
});
