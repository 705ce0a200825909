// Models the engine could not evaluate or write are refused with the field named: pmf numbers
// whose sums overflow, node ids too long for a file name or differing only by case, a grid
// start that is not a real date.
import type { FlowTimeErrorCode } from "../../lib/base/errors.ts";
import { parseModel } from "../../lib/model/parse.ts";
import { assertThrowsCode } from "../_helpers.ts";

function refused(text: string, pattern: RegExp, code: FlowTimeErrorCode = "model_invalid"): void {
  assertThrowsCode(() => parseModel(text), code, pattern);
}

const GRID = "grid: { bins: 2, binSize: 5, binUnit: minutes }\n";

Deno.test("pmf numbers whose sum or expected value overflows are refused, not NaN", () => {
  refused(
    `${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1, 2], probabilities: [1e308, 1e308] } }\n`,
    /^model\.yaml:3: nodes\[0\]\.pmf\.probabilities: probabilities sum to Infinity, which cannot be normalised/,
  );
  refused(
    `${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1e308, 0], probabilities: [2, 0] } }\n`,
    /nodes\[0\]\.pmf\.values: the expected value of these values is past the largest number/,
  );
  refused(
    `${GRID}nodes:\n  - { id: p, kind: pmf, pmf: { values: [1, 2], probabilities: [1e-320, 0] } }\n`,
    /probabilities sum to 1e-320, which cannot be normalised/,
  );
});

Deno.test("node ids longer than 100 characters or differing only by case are refused", () => {
  const long = "n".repeat(131);
  refused(
    `${GRID}nodes:\n  - { id: ${long}, kind: const, values: [1, 2] }\n`,
    /nodes\[0\]\.id: node id 'n{40}\.\.\.' is 131 characters; at most 100/,
  );
  refused(
    `${GRID}nodes:\n  - { id: queue, kind: const, values: [1, 2] }\n  - { id: Queue, kind: const, values: [1, 2] }\n`,
    /nodes\[1\]\.id: node id 'Queue' differs from 'queue' only by case/,
  );
  parseModel(`${GRID}nodes:\n  - { id: ${"n".repeat(100)}, kind: const, values: [1, 2] }\n`);
});

Deno.test("a grid start that is not a real date and time is refused", () => {
  for (const start of ["2025-02-30T00:00:00Z", "2025-10-07T24:00:00Z", "9999-12-31T23:00:00Z"]) {
    refused(
      `grid: { bins: 2, binSize: 5, binUnit: minutes, start: "${start}" }\nnodes:\n  - { id: a, kind: const, values: [1, 2] }\n`,
      /grid\.start: must be an ISO 8601 UTC timestamp ending in Z of a real date and time/,
    );
  }
});
