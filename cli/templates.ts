// `flowtime templates list|show|generate`: the Sim service from the command line, in-process
// over $FLOWTIME_TEMPLATES_DIR or over HTTP with --sim-url / FLOWTIME_SIM_URL.
import { join } from "node:path";
import { FlowTimeError } from "../lib/base/errors.ts";
import type { RunMode } from "../lib/model/types.ts";
import type { SimClient } from "../lib/sim/client.ts";
import type {
  ParameterValue,
  TemplateDetailParameter,
  TemplateProblem,
} from "../lib/templates/types.ts";
import { type Command, type CommandContext, printJson, stringFlag } from "./command.ts";

const SIM_HELP =
  `  --sim-url <url>       use the Sim service at this URL (default $FLOWTIME_SIM_URL; unset =
                        the templates in $FLOWTIME_TEMPLATES_DIR, default ./templates)`;

/**
 * The Sim client a command asked for, with the fixed generation time if any.
 * @param ctx command context
 * @param generatedAt fixed generation time for the in-process Sim
 * @returns the client
 */
export async function simClientFor(ctx: CommandContext, generatedAt?: string): Promise<SimClient> {
  const { createSimClient } = await import("../lib/sim/select.ts");
  return createSimClient({
    simUrl: stringFlag(ctx, "sim-url") ?? ctx.env.simUrl,
    templatesDir: ctx.env.templatesDir,
    generatedAt: generatedAt ?? ctx.env.fixedTime(),
  });
}

/**
 * The `--mode` flag, checked.
 * @param ctx command context
 * @param command command name for the message
 * @returns the mode, or undefined when not given
 */
export function modeFlag(ctx: CommandContext, command: string): RunMode | undefined {
  const mode = stringFlag(ctx, "mode");
  if (mode === undefined) return undefined;
  if (mode !== "simulation" && mode !== "telemetry") {
    throw new FlowTimeError(
      "usage",
      `--mode must be simulation or telemetry, got '${mode}' (see 'flowtime ${command} --help')`,
    );
  }
  return mode;
}

/**
 * The `--param k=v` flags, in order.
 * @param ctx command context
 * @returns the assignments
 */
export function paramFlags(ctx: CommandContext): string[] {
  const v = ctx.flags.param;
  const all = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  // telemetryDir is a folder the user names from where they stand, like a path flag
  return all.map((a) =>
    a.startsWith("telemetryDir=") && a.length > "telemetryDir=".length
      ? `telemetryDir=${ctx.env.resolvePath(a.slice("telemetryDir=".length))}`
      : a
  );
}

export const templatesListCommand: Command = {
  name: "templates list",
  summary: "list the templates (and report template files that do not load)",
  help: `flowtime templates list: list the templates of the Sim service

Usage:
  flowtime templates list [--sim-url <url>] [--json]

Options:
${SIM_HELP}
  --json                print {templates: [...], problems: [...]}

Template files that do not load are reported on stderr with file and line (the others are
still listed); the exit code is then 1.
`,
  flags: { "sim-url": { type: "string" }, json: { type: "boolean" } },
  async run(ctx) {
    const list = await (await simClientFor(ctx)).listTemplates();
    if (ctx.flags.json) printJson(ctx, list);
    else {
      const width = Math.max(0, ...list.templates.map((t) => t.id.length));
      for (const t of list.templates) {
        ctx.out(`${t.id.padEnd(width)}  ${t.version.padEnd(8)}  ${t.title}`);
      }
      if (list.templates.length === 0) ctx.out("(no templates)");
    }
    for (const p of list.problems) ctx.err(`error: ${problemText(ctx, p)}`);
    return list.problems.length > 0 ? 1 : 0;
  },
};

export const templatesShowCommand: Command = {
  name: "templates show",
  summary: "describe a template and its parameters",
  help: `flowtime templates show: describe a template and its parameters

Usage:
  flowtime templates show <id> [--sim-url <url>] [--json]

Options:
${SIM_HELP}
  --json                print the template detail as JSON (as GET /api/v1/templates/{id})

Also lists the FlowTime features the template uses that the engine does not implement
(generation then refuses it) and the fields the template reader read past (unknown_field).
`,
  flags: { "sim-url": { type: "string" }, json: { type: "boolean" } },
  positionals: { min: 1, max: 1, names: "<id>" },
  async run(ctx) {
    const detail = await (await simClientFor(ctx)).getTemplate(ctx.positionals[0]);
    if (ctx.flags.json) {
      printJson(ctx, detail);
      return 0;
    }
    ctx.out(`${detail.id} ${detail.version}: ${detail.title}`);
    if (detail.description) ctx.out(`  ${detail.description}`);
    if (detail.tags.length > 0) ctx.out(`  tags: ${detail.tags.join(", ")}`);
    if (detail.narrative) ctx.out(`  ${detail.narrative}`);
    ctx.out(detail.parameters.length > 0 ? "\nParameters:" : "\nNo parameters.");
    const { interpolationText } = await import("../lib/templates/placeholders.ts");
    for (const p of detail.parameters) ctx.out(`  ${parameterLine(p, interpolationText)}`);
    if (detail.unsupported && detail.unsupported.length > 0) {
      ctx.out("\nNot supported by the engine (generation refuses this template):");
      for (const u of detail.unsupported) ctx.out(`  ${u.path}: ${u.message}`);
    }
    if (detail.warnings && detail.warnings.length > 0) {
      ctx.out("\nFields read past:");
      for (const w of detail.warnings) {
        ctx.out(`  ${w.line !== undefined ? `line ${w.line}: ` : ""}${w.path}: ${w.message}`);
      }
    }
    return 0;
  },
};

export const templatesGenerateCommand: Command = {
  name: "templates generate",
  summary: "generate a model (and its provenance) from a template",
  help: `flowtime templates generate: generate a model from a template

Usage:
  flowtime templates generate <id> [--params <file>] [--param name=value]... [--mode <mode>]
                                   [--out model.yaml] [--provenance provenance.json]

Options:
  --params <file>       JSON or YAML file with a mapping of parameter values
  --param name=value    one parameter value, parsed by its declared type (numbers, true/false,
                        arrays as [1,2,3] or 1,2,3); repeatable; wins over --params
  --mode <mode>         simulation or telemetry (default: the template's mode)
  --out <path>          write the model YAML here (default: print it to stdout)
  --provenance <path>   write provenance.json here
${SIM_HELP}
  --json                print {model, provenance, metadata} (without --out) or the summary

The model's last root key is 'provenance'. generatedAt comes from SOURCE_DATE_EPOCH when set,
so the same template, parameters and SOURCE_DATE_EPOCH give the same bytes.

Examples:
  flowtime templates generate order-system --param bins=144 --out model.yaml
  flowtime templates generate microservices --mode telemetry --param telemetryDir=data/telemetry/run_x
`,
  flags: {
    params: { type: "string", path: "read" },
    param: { type: "string", multiple: true },
    mode: { type: "string" },
    out: { type: "string", path: "write" },
    provenance: { type: "string", path: "write" },
    "sim-url": { type: "string" },
    json: { type: "boolean" },
  },
  positionals: { min: 1, max: 1, names: "<id>" },
  async run(ctx) {
    const id = ctx.positionals[0];
    const mode = modeFlag(ctx, "templates generate");
    const sim = await simClientFor(ctx);
    const { collectParameters } = await import("../lib/sim/parameters.ts");
    const params = await collectParameters(sim, {
      templateId: id,
      file: stringFlag(ctx, "params"),
      assignments: paramFlags(ctx),
    });
    const generated = await sim.generate(id, { parameters: params, mode });
    const out = stringFlag(ctx, "out");
    const provenance = stringFlag(ctx, "provenance");
    const { writeGeneratedFiles } = await import("../lib/templates/output.ts");
    await writeGeneratedFiles(generated, { model: out, provenance });
    if (!out) {
      if (ctx.flags.json) printJson(ctx, generated);
      else ctx.out(generated.model.replace(/\n$/, ""));
      return 0;
    }
    if (ctx.flags.json) printJson(ctx, { ...generated.metadata, out, provenance });
    else {
      ctx.out(
        `model ${generated.metadata.templateId} ${generated.metadata.templateVersion} (${generated.metadata.mode}) written to ${out}${
          provenance ? `, provenance to ${provenance}` : ""
        }`,
      );
    }
    return 0;
  },
};

function problemText(ctx: CommandContext, p: TemplateProblem): string {
  const url = stringFlag(ctx, "sim-url") ?? ctx.env.simUrl;
  const file = url ? `${p.file} (on ${url})` : join(ctx.env.templatesDir, p.file);
  const place = p.line !== undefined ? `${file}:${p.line}` : file;
  return `${place}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

// `valueText` is interpolationText of lib/templates/placeholders.ts, handed in by the command
// that loaded it.
function parameterLine(
  p: TemplateDetailParameter,
  valueText: (value: ParameterValue) => string,
): string {
  const facts: string[] = [p.type === "array" ? `array of ${p.arrayOf ?? "number"}` : p.type];
  if (p.required) facts.push("required");
  if (p.default !== undefined) {
    facts.push(`default ${p.default === "" ? '""' : valueText(p.default)}`);
  }
  if (p.min !== undefined || p.max !== undefined) {
    facts.push(`${p.min ?? "-inf"}..${p.max ?? "inf"}`);
  }
  const what = [p.title, p.description].filter((s) => s).join(": ");
  return `${p.name} (${facts.join(", ")})${what ? ` - ${what}` : ""}`;
}
