// GET /v1/runs/{runId}/graph: a run's topology as nodes and edges (what a graph view draws), from
// the run as the state routes open it (same cache, same confinement, same 4xx errors).
import { Hono } from "hono";
import type { TopologyNodeKind } from "../lib/model/types.ts";
import type { StateRun } from "../lib/state/load.ts";
import type { StateQueryService } from "../lib/state/service.ts";
import type { AppEnv } from "./app.ts";

/** One node of a run graph. */
export interface GraphNode {
  /** Topology node id. */
  id: string;
  /** Service, queue, dead-letter queue or sink. */
  kind: TopologyNodeKind;
  /** Model node id named by each declared metric, plus `slaMin` when declared. */
  semantics: Record<string, string | number>;
}

/** One edge of a run graph, between topology node ids (`Node:port` endpoints lose the port). */
export interface GraphEdge {
  /** Edge id. */
  id: string;
  /** Source topology node id. */
  from: string;
  /** Target topology node id. */
  to: string;
  /** Share of the flow along the edge, when declared. */
  weight?: number;
}

/** The body of `GET /v1/runs/{runId}/graph`. */
export interface RunGraph {
  /** Run id. */
  runId: string;
  /** Topology nodes in the model's order. */
  nodes: GraphNode[];
  /** Topology edges in the model's order. */
  edges: GraphEdge[];
}

/**
 * The route serving run graphs, as a sub-app to mount at `/v1/runs`.
 * @param state the state query service the run routes use (runs are opened and cached once)
 * @returns the Hono sub-app with `GET /:runId/graph`
 */
export function graphRoutes(state: StateQueryService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/:runId/graph", async (c) => {
    const runId = c.req.param("runId");
    c.get("logFields").runId = runId;
    return c.json(graphOf(await state.openRun(runId)));
  });
  return app;
}

/**
 * Shape an opened run's topology as a run graph.
 * @param run the run as opened for state queries
 * @returns the graph (empty lists for a model without a topology)
 */
export function graphOf(run: StateRun): RunGraph {
  const nodes = run.nodes.map((n): GraphNode => ({
    id: n.id,
    kind: n.kind,
    semantics: { ...n.refs, ...(n.slaMin === undefined ? {} : { slaMin: n.slaMin }) },
  }));
  const edges = run.edges.map((e): GraphEdge => ({
    id: e.id,
    from: e.from.split(":")[0],
    to: e.to.split(":")[0],
    ...(e.weight === undefined ? {} : { weight: e.weight }),
  }));
  return { runId: run.runId, nodes, edges };
}
