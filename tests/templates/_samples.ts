// Small templates written out in full for the template tests (line numbers are part of the
// expectations, so these texts are fixed).

/** A 3-bin template with every parameter type, a telemetry source per semantic series. */
export const MINI = `schemaVersion: 1
generator: flowtime-sim
metadata:
  id: mini
  title: Mini
  version: 1.2.3
window:
  start: \${start}
  timezone: UTC
parameters:
  - name: bins
    type: integer
    default: 3
    min: 1
    max: 10
  - name: start
    type: string
    default: "2025-10-07T00:00:00Z"
  - name: rate
    type: number
    default: 10
    min: 0
    max: 100
  - name: pattern
    type: array
    arrayOf: integer
    default: [1, 20, 3]
    min: 0
    max: 50
  - name: label
    type: string
    default: mini service
  - name: dir
    type: string
  - name: enabled
    type: boolean
    default: true
grid:
  bins: \${bins}
  binSize: 5
  binUnit: minutes
nodes:
  - id: arrivals
    kind: const
    values: \${pattern}
    source: "\${dir}/Svc_arrivals.csv"
  - id: served
    kind: expr
    expr: "MIN(arrivals, \${rate})"
    source: "\${dir}/Svc_served.csv"
  - id: backlog
    kind: expr
    expr: "arrivals - served"
topology:
  nodes:
    - id: Svc
      kind: service
      description: \${label}
      semantics:
        arrivals: arrivals
        served: served
  edges: []
`;

/** The shortest valid template; tests derive broken variants from it line by line. */
export const BASE = `schemaVersion: 1
metadata:
  id: t
  title: T
  version: 1.0.0
parameters:
  - name: n
    type: integer
    default: 2
grid:
  bins: \${n}
  binSize: 5
nodes:
  - id: a
    kind: const
    values: [1, 2]
  - id: b
    kind: expr
    expr: "a * 2"
topology:
  nodes:
    - id: A
      semantics: { arrivals: a, served: b }
  edges: []
`;

/**
 * BASE with one line replaced.
 * @param line 1-based line number
 * @param text the new line (may hold several lines)
 * @returns the template text
 */
export function baseWith(line: number, text: string): string {
  const lines = BASE.split("\n");
  lines[line - 1] = text;
  return lines.join("\n");
}
