// PCG32 reproduces the reference implementation's published output, so random gap choices are
// the same on every platform and in every later version.
import assert from "node:assert/strict";
import { Pcg32, pcg32FromText } from "../../lib/telemetry/_pcg32.ts";

Deno.test("pcg32 seeded (42, 54) gives the reference pcg32-demo outputs", () => {
  const rng = new Pcg32(42n, 54n);
  const got = Array.from({ length: 6 }, () => rng.nextU32());
  assert.deepEqual(got, [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
});

Deno.test("pcg32 bounded draws stay below the bound", () => {
  const rng = pcg32FromText("bounds");
  for (let i = 0; i < 1000; i++) {
    const v = rng.below(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7, `draw ${v}`);
  }
});

Deno.test("pcg32 streams from the same text repeat and from different texts differ", () => {
  const a = pcg32FromText("gaps:42:OrderService:served");
  const b = pcg32FromText("gaps:42:OrderService:served");
  const c = pcg32FromText("gaps:43:OrderService:served");
  const seqA = Array.from({ length: 8 }, () => a.nextU32());
  assert.deepEqual(seqA, Array.from({ length: 8 }, () => b.nextU32()));
  assert.notDeepEqual(seqA, Array.from({ length: 8 }, () => c.nextU32()));
});
