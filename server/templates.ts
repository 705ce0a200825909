// The Sim HTTP API (CONTRACTS 5.3, FlowTime-Sim compatible routes): list, describe and
// generate templates from the server's templates folder. Handlers parse input and call lib/.
import { Hono } from "hono";
import { assertSafeId } from "../lib/base/paths.ts";
import { InProcessSimClient } from "../lib/sim/in_process.ts";
import { encodeProblemsHeader, TEMPLATE_PROBLEMS_HEADER } from "../lib/sim/problems_header.ts";
import { asParameterInput } from "../lib/templates/binder.ts";
import { resolveMode } from "../lib/templates/generate.ts";
import type { AppEnv, ServerSettings } from "./app.ts";
import { limitBody, parseJsonBody } from "./body.ts";

/**
 * The Sim API, to be mounted at `/api/v1/templates`: `GET /`, `GET /{id}` and
 * `POST /{id}/generate?mode=`.
 * @param settings server folders
 * @returns the sub-app
 */
export function templateRoutes(settings: ServerSettings): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sim = new InProcessSimClient(settings.templatesDir, { generatedAt: settings.fixedTime });

  app.get("/", async (c) => {
    const list = await sim.listTemplates();
    if (list.problems.length > 0) {
      c.header(TEMPLATE_PROBLEMS_HEADER, encodeProblemsHeader(list.problems));
      c.get("logFields").templateProblems = list.problems;
    }
    return c.json(list.templates);
  });

  app.get("/:id", async (c) => {
    const id = assertSafeId(c.req.param("id"), "template id");
    c.get("logFields").templateId = id;
    return c.json(await sim.getTemplate(id));
  });

  app.post("/:id/generate", limitBody("send only parameter values"), async (c) => {
    const id = assertSafeId(c.req.param("id"), "template id");
    const fields = c.get("logFields");
    fields.templateId = id;
    const mode = resolveMode(c.req.query("mode"), "simulation");
    const explicitMode = c.req.query("mode") ? mode : undefined;
    const params = asParameterInput(
      parseJsonBody(await c.req.text(), "an object of parameter values", {}),
      "the request body",
    );
    const generated = await sim.generate(id, { parameters: params, mode: explicitMode });
    fields.mode = generated.metadata.mode;
    fields.modelHash = generated.metadata.modelHash;
    return c.json(generated);
  });
  return app;
}
