// `flowtime validate`: check a model without running it, and list every problem found.
import { FlowTimeError } from "../lib/base/errors.ts";
import { type Command, printJson, problemLine, requireFlag } from "./command.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "check a model file and report every problem with its line",
  help: `flowtime validate: check a model file without running it

Usage:
  flowtime validate --model <model.yaml> [--json]

Prints 'ok' with the node count and exits 0; or every problem found, one line each
(file:line: field: message), and exits 1. --json prints {valid, file, ...} with the counts,
or {valid: false, file, problems: [{file, line, path, message}]}. Fields the toolkit reads past
(FlowTime ignores fields it does not know, and so does the toolkit) are listed as
'warning: file:line: field: unknown field ...' on stderr, and under 'warnings' with --json;
they do not fail validation.
`,
  flags: { model: { type: "string", path: "read" }, json: { type: "boolean" } },
  async run(ctx) {
    const path = requireFlag(ctx, "model", "validate");
    const { loadModel } = await import("../lib/model/parse.ts");
    let parsed;
    try {
      parsed = await loadModel(path);
    } catch (err) {
      // every problem, not the first one: validating is asking for all of them
      const problems = err instanceof FlowTimeError && Array.isArray(err.details) &&
          err.details.length > 0 && err.code !== "permission_denied" && err.code !== "not_found"
        ? err.details
        : undefined;
      if (!problems) throw err;
      if (ctx.flags.json) {
        printJson(ctx, { valid: false, file: path, code: (err as FlowTimeError).code, problems });
      } else {
        for (const p of problems) ctx.err(`error: ${problemLine(p)}`);
        ctx.err(`${path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
      }
      return 1;
    }
    const summary = {
      valid: true,
      file: path,
      mode: parsed.model.mode,
      bins: parsed.model.grid.bins,
      nodes: parsed.model.nodes.length,
      topologyNodes: parsed.model.topology?.nodes.length ?? 0,
      warnings: parsed.warnings,
    };
    if (ctx.flags.json) printJson(ctx, summary);
    else {
      ctx.out(
        `ok: ${path}: ${summary.nodes} nodes, ${summary.topologyNodes} topology nodes, ${summary.bins} bins (${summary.mode})`,
      );
      for (const w of parsed.warnings) {
        const place = w.line !== undefined ? `${path}:${w.line}` : path;
        ctx.err(`warning: ${place}: ${w.path ? `${w.path}: ` : ""}${w.message}`);
      }
    }
    return 0;
  },
};
