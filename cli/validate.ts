// `flowtime validate`: check a model without running it.
import { loadModel } from "../lib/model/parse.ts";
import { type Command, printJson, requireFlag } from "./command.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "check a model file and report every problem with its line",
  help: `flowtime validate: check a model file without running it

Usage:
  flowtime validate --model <model.yaml> [--json]

Prints 'ok' with the node count, or the problems (file:line: field: message) and exits 1.
Fields the toolkit reads past (FlowTime ignores fields it does not know, and so does the
toolkit) are listed as 'warning: file:line: field: unknown field ...' on stderr, and under
'warnings' with --json; they do not fail validation.
`,
  flags: { model: { type: "string" }, json: { type: "boolean" } },
  async run(ctx) {
    const path = requireFlag(ctx, "model", "validate");
    const parsed = await loadModel(path);
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
