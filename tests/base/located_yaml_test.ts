import assert from "node:assert/strict";
import process from "node:process";
import { parseYamlLocated } from "../../lib/base/located_yaml.ts";
import { assertThrowsCode } from "../_helpers.ts";

Deno.test("a list used as a mapping key becomes a text key and nothing is printed", () => {
  const printed: unknown[] = [];
  const emitWarning = process.emitWarning;
  const warn = console.warn;
  process.emitWarning = (w: string | Error) => void printed.push(w);
  console.warn = (...args: unknown[]) => void printed.push(args);
  try {
    const located = parseYamlLocated("? [a, b]\n: 1\nrules: []\n", "g.yaml");
    assert.deepEqual(located.value, { "[ a, b ]": 1, rules: [] });
  } finally {
    process.emitWarning = emitWarning;
    console.warn = warn;
  }
  assert.deepEqual(printed, []);
});

Deno.test("YAML nested thousands of levels deep is refused with the file, not a stack overflow", () => {
  const deep = "a: " + "[".repeat(20000) + "]".repeat(20000);
  const err = assertThrowsCode(() => parseYamlLocated(deep, "deep.yaml"), "yaml_syntax");
  assert.equal(err.message, "deep.yaml:1: not valid YAML: nested too deeply");
});
