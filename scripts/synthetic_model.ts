// Synthetic models for benchmarks: N topology services of 6 nodes each (pmf or chained demand,
// capacity with PULSE, served, errors, a self-SHIFT backlog), plus one const series.

/**
 * Model YAML with about `nodes` model nodes on a grid of `bins` bins.
 * @param nodes about this many model nodes (6 per service plus one const)
 * @param bins number of bins
 * @returns the model text
 */
export function syntheticModel(nodes: number, bins: number): string {
  const groups = Math.max(1, Math.ceil((nodes - 1) / 6));
  const lines: string[] = [
    "schemaVersion: 1",
    "metadata: { id: synthetic, title: Synthetic benchmark model, version: 1.0.0 }",
    `grid: { bins: ${bins}, binSize: 5, binUnit: minutes, start: "2025-10-07T00:00:00Z" }`,
    "nodes:",
    `  - { id: base_load, kind: const, values: [${
      Array.from({ length: bins }, (_, t) => 100 + (t % 24)).join(", ")
    }] }`,
  ];
  const topo: string[] = ["topology:", "  nodes:"];
  for (let g = 0; g < groups; g++) {
    const arrivals = g === 0
      ? `base_load + 0 * s${g}_pmf`
      : `s${g - 1}_served * 0.9 + CONV(s${g - 1}_errors, [0.5, 0.3]) + s${g}_pmf * 0.1`;
    lines.push(
      `  - { id: s${g}_pmf, kind: pmf, pmf: { values: [80, 100, 120], probabilities: [0.25, 0.5, 0.25] } }`,
      `  - { id: s${g}_arrivals, kind: expr, expr: "${arrivals}" }`,
      `  - { id: s${g}_capacity, kind: expr, expr: "95 + PULSE(12, ${g % 12}, 20)" }`,
      `  - { id: s${g}_served, kind: expr, expr: "MIN(s${g}_arrivals + SHIFT(s${g}_backlog, 1), s${g}_capacity)" }`,
      `  - { id: s${g}_errors, kind: expr, expr: "ROUND(s${g}_arrivals * 0.02)" }`,
      `  - { id: s${g}_backlog, kind: expr, expr: "MAX(0, SHIFT(s${g}_backlog, 1) + s${g}_arrivals - s${g}_capacity)" }`,
    );
    topo.push(
      `    - id: Service${g}`,
      `      kind: queue`,
      `      semantics: { arrivals: s${g}_arrivals, served: s${g}_served, errors: s${g}_errors, queueDepth: s${g}_backlog, capacity: s${g}_capacity, slaMin: 15 }`,
    );
  }
  return [...lines, ...topo, "  edges: []", ""].join("\n");
}
