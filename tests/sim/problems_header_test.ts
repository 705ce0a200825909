// The listing's problems header: ASCII-only JSON that round-trips, with a size cap.
import assert from "node:assert/strict";
import {
  decodeProblemsHeader,
  encodeProblemsHeader,
  MAX_PROBLEMS_HEADER_BYTES,
} from "../../lib/sim/problems_header.ts";

Deno.test("problems round-trip through the header, non-ASCII escaped", () => {
  const problems = [
    { file: "broken.yaml", line: 4, message: "not valid YAML: “quoted” ünïcode" },
    { file: "renamed.yaml", line: 3, path: "metadata.id", message: "differs\nfrom the file name" },
  ];
  const header = encodeProblemsHeader(problems);
  assert.match(header, /^[\x20-\x7e]*$/);
  assert.deepEqual(decodeProblemsHeader(header), problems);
});

Deno.test("too many problems are cut, with one entry saying how many were left out", () => {
  const problems = Array.from({ length: 100 }, (_, i) => ({
    file: `t${i}.yaml`,
    line: 1,
    message: "x".repeat(200),
  }));
  const header = encodeProblemsHeader(problems);
  assert.ok(header.length <= MAX_PROBLEMS_HEADER_BYTES + 200);
  const decoded = decodeProblemsHeader(header);
  const last = decoded.at(-1)!;
  assert.equal(last.file, "*");
  assert.equal(
    last.message,
    `${100 - (decoded.length - 1)} more template files could not be loaded; see the server log`,
  );
});

Deno.test("a malformed header gives no problems", () => {
  assert.deepEqual(decodeProblemsHeader("not json"), []);
  assert.deepEqual(decodeProblemsHeader('{"file": "x"}'), []);
  assert.deepEqual(decodeProblemsHeader(null), []);
});
