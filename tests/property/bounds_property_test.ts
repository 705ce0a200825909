// Property tests of bounded work. Expressions: sums and products of any length and nesting of
// any depth are evaluated (left to right, as the parser groups them) or refused with an
// ExprError at a position inside the text, never a RangeError. Gap configurations: a capture's
// rules are refused exactly when their work (bins changed, over every file each rule matches)
// passes the limit, and accepted rules plan no more than that.
import assert from "node:assert/strict";
import { fc } from "../_dev_deps.ts";
import { ExprError, parseExpr } from "../../lib/expr/parse.ts";
import { compileExpr } from "../../lib/engine/compile.ts";
import {
  checkGapConfig,
  gapConfigFromValue,
  MAX_GAP_WORK,
} from "../../lib/telemetry/gap_config.ts";
import { gapPlanFor } from "../../lib/telemetry/gaps.ts";
import { SEMANTIC_METRICS, type SemanticMetric } from "../../lib/model/types.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
import { fuzzRuns, recordCases } from "./_fuzz.ts";

const VALUES: Record<string, number> = { a: 1.5, b: -2.25, c: 3, d: 0, e: 1e-3 };
const series = (name: string) => new Float64Array(4).fill(VALUES[name]);

// A flat chain of `terms` operands of one precedence level, its text and left-to-right value.
const flatChain = fc.tuple(
  fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1, max: 200 }) },
    { weight: 2, arbitrary: fc.integer({ min: 200, max: 40_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 40_000, max: 60_000 }) },
  ),
  fc.boolean(),
  fc.nat(),
).map(([terms, additive, seed]) => {
  const names = Object.keys(VALUES);
  const ops = additive ? ["+", "-"] : ["*", "/"];
  let text = "a";
  let value = VALUES.a;
  let state = seed;
  for (let k = 1; k < terms; k++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const op = ops[state % 2];
    const name = names[(state >>> 8) % names.length];
    const v = VALUES[name];
    text += `${op}${name}`;
    value = op === "+"
      ? value + v
      : op === "-"
      ? value - v
      : op === "*"
      ? value * v
      : v === 0
      ? 0
      : value / v;
  }
  return { text, value };
});

// Nesting: parentheses, unary signs and calls around a chain, up to past the parser's limit.
const nested = fc.tuple(
  flatChain,
  fc.integer({ min: 0, max: 260 }),
  fc.constantFrom("(", "-", "ABS(", "MAX(0,", "-("),
).map(([inner, depth, wrap]) => {
  const closing = wrap === "-" ? "" : ")";
  return wrap.repeat(depth) + inner.text + closing.repeat(depth);
});

function evaluate(src: string): number {
  return compileExpr(parseExpr(src), { series })(2);
}

Deno.test("property: expressions of any length and depth evaluate or are refused cleanly", () => {
  const runs = fuzzRuns(200);
  fc.assert(
    fc.property(
      fc.oneof(
        flatChain.map((c) => ({ ...c, flat: true })),
        nested.map((text) => ({ text, value: NaN, flat: false })),
      ),
      (c) => {
        let value: number;
        try {
          value = evaluate(c.text);
        } catch (err) {
          assert.ok(err instanceof ExprError, `not an ExprError: ${err}`);
          assert.ok(err.pos >= 0 && err.pos <= c.text.length);
          assert.match(err.message, /longer than 100000 characters|nests deeper than 200 levels/);
          return;
        }
        assert.ok(c.text.length <= 100_000);
        if (c.flat) assert.ok(Object.is(value, c.value), `${value} !== ${c.value}`);
        else assert.equal(typeof value, "number");
      },
    ),
    { numRuns: runs },
  );
  recordCases("expression depth and length", runs);
});

const NODES = Array.from({ length: 40 }, (_, k) => `N${k}`);

const targets = fc.tuple(
  fc.integer({ min: 1, max: 40 }),
  fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20_000 })),
  fc.subarray([...SEMANTIC_METRICS], { minLength: 1 }),
).map(([n, bins, metrics]) => ({
  bins,
  nodes: NODES.slice(0, n),
  files: NODES.slice(0, n).flatMap((nodeId) =>
    metrics.map((semantic) => ({ nodeId, semantic: semantic as SemanticMetric }))
  ),
}));

const rules = (t: { bins: number; nodes: string[]; files: Array<{ semantic: string }> }) => {
  const metrics = [...new Set(t.files.map((f) => f.semantic))];
  const rule = fc.record({
    node: fc.constantFrom("*", ...t.nodes),
    metric: fc.constantFrom("*", ...metrics),
    pick: fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }).map((fraction) => ({ fraction })),
      fc.array(
        fc.tuple(fc.nat(t.bins - 1), fc.nat(t.bins - 1)).map(([x, y]) =>
          `${Math.min(x, y)}-${Math.max(x, y)}`
        ),
        { minLength: 1, maxLength: 4 },
      ).map((bins) => ({ bins })),
    ),
    action: fc.constantFrom("drop", "nan", "zero"),
  }).map(({ pick, ...r }) => ({ ...r, ...pick }));
  return fc.oneof(
    { weight: 10, arbitrary: fc.array(rule, { maxLength: 20 }) },
    { weight: 1, arbitrary: fc.array(rule, { minLength: 500, maxLength: 3000 }) },
  );
};

// The work as the documentation defines it, computed independently of the library.
function expectedWork(
  t: { bins: number; files: Array<{ nodeId: string; semantic: string }> },
  rs: Array<{ node: string; metric: string; fraction?: number; bins?: string[] }>,
): number {
  let work = 0;
  for (const r of rs) {
    const files = t.files.filter((f) =>
      (r.node === "*" || r.node === f.nodeId) && (r.metric === "*" || r.metric === f.semantic)
    ).length;
    const per = r.fraction !== undefined
      ? Math.min(t.bins, Math.round(r.fraction * t.bins))
      : r.bins!.reduce((n, range) => {
        const [x, y] = range.split("-").map(Number);
        return n + y - x + 1;
      }, 0);
    work += files * per;
  }
  return work;
}

Deno.test("property: gap rules are refused exactly when their work passes the limit", () => {
  const runs = fuzzRuns(200);
  fc.assert(
    fc.property(
      targets.chain((t) => rules(t).map((rs) => ({ t, rs }))),
      ({ t, rs }) => {
        const doc = gapConfigFromValue({ seed: 7, rules: rs });
        const work = expectedWork(t, rs);
        const matchesSome = rs.every((r) =>
          t.files.some((f) =>
            (r.node === "*" || r.node === f.nodeId) && (r.metric === "*" || r.metric === f.semantic)
          )
        );
        let refused: FlowTimeError | undefined;
        try {
          checkGapConfig(doc, t);
        } catch (err) {
          assert.ok(err instanceof FlowTimeError && err.code === "gaps_invalid", String(err));
          refused = err;
        }
        if (!matchesSome) return; // refused for a rule that matches nothing
        assert.equal(refused !== undefined, work > MAX_GAP_WORK, `work ${work}: ${refused}`);
        if (refused) assert.match(refused.message, /rules change [\d,]+ bins/);
        else if (work <= 200_000) {
          // What planning touches is at most the work counted.
          let planned = 0;
          for (const f of t.files) {
            const plan = gapPlanFor(doc.config, { ...f, bins: t.bins });
            if (plan) { for (const code of plan) if (code !== 0) planned++; }
          }
          assert.ok(planned <= work, `${planned} > ${work}`);
        }
      },
    ),
    { numRuns: runs },
  );
  recordCases("gap configuration cost", runs);
});
