// The JSON text of state responses: indented objects, arrays of plain values on one line.
import assert from "node:assert/strict";
import { responseJsonText } from "../../lib/state/_response_text.ts";

Deno.test("objects are indented by 2 spaces and arrays of plain values stay on one line", () => {
  assert.equal(
    responseJsonText({ a: [1, null, 2.5], b: { c: "x" }, d: [], e: {} }),
    `{
  "a": [1, null, 2.5],
  "b": {
    "c": "x"
  },
  "d": [],
  "e": {}
}
`,
  );
});

Deno.test("arrays of objects are indented one element per line", () => {
  assert.equal(
    responseJsonText([{ k: ["g", "y"] }, { k: [true] }]),
    `[
  {
    "k": ["g", "y"]
  },
  {
    "k": [true]
  }
]
`,
  );
});

Deno.test("undefined fields are dropped and non-finite numbers are null", () => {
  assert.equal(
    responseJsonText({ a: undefined, b: [NaN, Infinity, -0] }),
    `{\n  "b": [null, null, 0]\n}\n`,
  );
});

Deno.test("strings are escaped as JSON", () => {
  assert.equal(
    responseJsonText({ 'q"': ["a\nb", "\u0000"] }),
    `{\n  "q\\"": ["a\\nb", "\\u0000"]\n}\n`,
  );
});

Deno.test("the text parses back to the same value", () => {
  const value = { metadata: { runId: "r" }, series: { a: [1, 2, null] }, nodes: [{ id: "A" }] };
  assert.deepEqual(JSON.parse(responseJsonText(value)), value);
});
