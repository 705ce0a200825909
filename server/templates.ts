// The Sim HTTP API (CONTRACTS 5.3, FlowTime-Sim compatible routes): list, describe and
// generate templates from the server's templates folder. Handlers parse input and call lib/.
import type { Hono } from "hono";
import { assertSafeId } from "../lib/base/paths.ts";
import { InProcessSimClient } from "../lib/sim/in_process.ts";
import { encodeProblemsHeader, TEMPLATE_PROBLEMS_HEADER } from "../lib/sim/problems_header.ts";
import { asParameterInput } from "../lib/templates/binder.ts";
import { resolveMode } from "../lib/templates/generate.ts";
import type { AppEnv, ServerSettings } from "../server.ts";
import { limitBody, parseJsonBody } from "./body.ts";

/**
 * Register `GET /api/v1/templates`, `GET /api/v1/templates/{id}` and
 * `POST /api/v1/templates/{id}/generate?mode=` on the app.
 * @param app the Hono app
 * @param settings folders and the error responder
 */
export function registerTemplateRoutes(app: Hono<AppEnv>, settings: ServerSettings): void {
  const sim = new InProcessSimClient(settings.templatesDir);

  app.get("/api/v1/templates", async (c) => {
    try {
      const list = await sim.listTemplates();
      if (list.problems.length > 0) {
        c.header(TEMPLATE_PROBLEMS_HEADER, encodeProblemsHeader(list.problems));
        c.get("logFields").templateProblems = list.problems;
      }
      return c.json(list.templates);
    } catch (err) {
      return settings.fail(c, err);
    }
  });

  app.get("/api/v1/templates/:id", async (c) => {
    try {
      const id = assertSafeId(c.req.param("id"), "template id");
      c.get("logFields").templateId = id;
      return c.json(await sim.getTemplate(id));
    } catch (err) {
      return settings.fail(c, err);
    }
  });

  app.post(
    "/api/v1/templates/:id/generate",
    limitBody(settings, "send only parameter values"),
    async (c) => {
      try {
        const id = assertSafeId(c.req.param("id"), "template id");
        const fields = c.get("logFields");
        fields.templateId = id;
        const mode = resolveMode(c.req.query("mode"), "simulation");
        const explicitMode = c.req.query("mode") ? mode : undefined;
        const params = asParameterInput(
          parseJsonBody(await c.req.text(), "an object of parameter values", {}),
          "the request body",
        );
        const generated = await sim.generate(id, params, explicitMode);
        fields.mode = generated.metadata.mode;
        fields.modelHash = generated.metadata.modelHash;
        return c.json(generated);
      } catch (err) {
        return settings.fail(c, err);
      }
    },
  );
}
