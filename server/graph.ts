// GET /v1/runs/{runId}/graph: a run's topology as nodes and edges (what a graph view draws),
// read from the run's model. Ids are confined like every run route; errors are 4xx JSON.
import { Hono } from "hono";
import { join } from "node:path";
import { isFlowTimeError } from "../lib/errors.ts";
import { readRunBundle, runFolder } from "../lib/artifacts/reader.ts";
import type { Model, TopologyNodeKind } from "../lib/model/types.ts";
import type { AppEnv, ServerSettings } from "../server.ts";

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
 * The routes serving run graphs, as a sub-app to mount at `/`.
 * @param settings the data folder and the error responder
 * @returns the Hono sub-app with `GET /v1/runs/:runId/graph`
 */
export function graphRoutes(settings: ServerSettings): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/v1/runs/:runId/graph", async (c) => {
    const runId = c.req.param("runId");
    c.get("logFields").runId = runId;
    try {
      const bundle = await readRunBundle(await runFolder(join(settings.dataDir, "runs"), runId));
      return c.json(graphOf(bundle.runId, bundle.parsedModel().model.topology));
    } catch (err) {
      if (!isFlowTimeError(err)) throw err;
      c.get("logFields").errorCode = err.code;
      return settings.fail(c, err);
    }
  });
  return app;
}

/**
 * Shape a model's topology as a run graph.
 * @param runId the run id
 * @param topology the parsed model's topology (absent for models without one)
 * @returns the graph (empty lists without a topology)
 */
export function graphOf(
  runId: string,
  topology: Model["topology"],
): RunGraph {
  const nodes = (topology?.nodes ?? []).map((n): GraphNode => {
    const semantics: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(n.semantics)) {
      if (typeof value === "string" || typeof value === "number") semantics[key] = value;
    }
    return { id: n.id, kind: n.kind, semantics };
  });
  const edges = (topology?.edges ?? []).map((e) => ({
    id: e.id,
    from: e.from.split(":")[0],
    to: e.to.split(":")[0],
    ...(e.weight === undefined ? {} : { weight: e.weight }),
  }));
  return { runId, nodes, edges };
}
