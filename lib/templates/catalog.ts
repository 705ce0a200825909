// The templates folder: `<dir>/<id>.yaml` files listed and loaded by id. A file that does not
// load is reported with its file and line while the others are still listed.
import { join } from "node:path";
import { FlowTimeError, formatPlace, fsError } from "../base/errors.ts";
import { assertSafeId, isSafeId } from "../base/paths.ts";
import { loadTemplateFile } from "./parse.ts";
import type {
  ParameterValue,
  Template,
  TemplateDetail,
  TemplateProblem,
  TemplateSummary,
} from "./types.ts";

/** Extension of template files. */
export const TEMPLATE_EXTENSION = ".yaml";

/** Result of {@link loadCatalog}. */
export interface Catalog {
  /** Templates that loaded, sorted by id. */
  templates: Template[];
  /** Files that did not, sorted by file name. */
  problems: TemplateProblem[];
}

/**
 * Load every `<id>.yaml` in a templates folder (files starting with `.` are skipped).
 * @param dir the templates folder
 * @returns the templates that load and a problem for each file that does not
 * @throws FlowTimeError `not_found` when the folder does not exist
 */
export async function loadCatalog(dir: string): Promise<Catalog> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (
        (entry.isFile || entry.isSymlink) && entry.name.endsWith(TEMPLATE_EXTENSION) &&
        !entry.name.startsWith(".")
      ) {
        names.push(entry.name);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new FlowTimeError(
        "not_found",
        `templates folder ${dir} does not exist`,
        {
          cause: err,
          fix: { option: "templatesDir", effect: "use the folder holding <id>.yaml templates" },
        },
      );
    }
    throw fsError(err, "listing templates in", dir);
  }
  names.sort();
  const templates: Template[] = [];
  const problems: TemplateProblem[] = [];
  for (const name of names) {
    const id = name.slice(0, -TEMPLATE_EXTENSION.length);
    if (!isSafeId(id)) {
      problems.push({
        file: name,
        message:
          `file name '${id}' is not a valid template id: rename it using only letters, digits, '.', '_' and '-'`,
      });
      continue;
    }
    try {
      templates.push(await loadTemplateFile(join(dir, name), { expectedId: id }));
    } catch (err) {
      if (!(err instanceof FlowTimeError)) throw err;
      problems.push(problemOf(name, err));
    }
  }
  templates.sort((a, b) => a.document.metadata.id.localeCompare(b.document.metadata.id));
  return { templates, problems };
}

/**
 * Load one template by id from a templates folder.
 * @param dir the templates folder
 * @param id the template id (the file is `<dir>/<id>.yaml`)
 * @returns the template
 * @throws FlowTimeError `invalid_id` for ids with path characters, `template_not_found`,
 *   `template_invalid`
 */
export async function loadTemplate(dir: string, id: string): Promise<Template> {
  assertSafeId(id, "template id");
  const path = join(dir, `${id}${TEMPLATE_EXTENSION}`);
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Deno.errors.NotFound(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw fsError(err, "reading template", path);
    throw new FlowTimeError(
      "template_not_found",
      `no template '${id}' in ${dir}${await availableText(dir)}`,
    );
  }
  return await loadTemplateFile(path, { expectedId: id });
}

async function availableText(dir: string): Promise<string> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (
        (entry.isFile || entry.isSymlink) && entry.name.endsWith(TEMPLATE_EXTENSION) &&
        !entry.name.startsWith(".")
      ) {
        ids.push(entry.name.slice(0, -TEMPLATE_EXTENSION.length));
      }
    }
  } catch {
    return " (the folder cannot be read)";
  }
  return ids.length === 0
    ? " (the folder holds no templates)"
    : ` (available: ${ids.sort().join(", ")})`;
}

function problemOf(file: string, err: FlowTimeError): TemplateProblem {
  const prefix = formatPlace({ file: err.file, line: err.line, path: err.path });
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return {
    file,
    ...(err.line !== undefined ? { line: err.line } : {}),
    ...(err.path ? { path: err.path } : {}),
    message,
  };
}

/**
 * The listing entry of a template.
 * @param template a loaded template
 * @returns `{id, title, description, version, tags}`
 */
export function summaryOf(template: Template): TemplateSummary {
  const m = template.document.metadata;
  return {
    id: m.id,
    title: m.title,
    description: m.description ?? "",
    version: m.version,
    tags: [...(m.tags ?? [])],
    category: "general",
    ...(m.narrative !== undefined ? { narrative: m.narrative } : {}),
    ...(m.captureKey !== undefined ? { captureKey: m.captureKey } : {}),
  };
}

/**
 * The detail of a template: its summary plus parameter declarations with typed defaults (and,
 * for FlowTime-Sim's clients, `defaultValue`, the default as text), the fields the reader read
 * past and the unsupported FlowTime features it uses.
 * @param template a loaded template
 * @returns the detail
 */
export function detailOf(template: Template): TemplateDetail {
  return {
    ...summaryOf(template),
    parameters: (template.document.parameters ?? []).map((p) => ({
      name: p.name,
      type: p.type,
      ...(p.title !== undefined ? { title: p.title } : {}),
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.default !== undefined ? { default: structuredClone(p.default) } : {}),
      ...(p.default !== undefined ? { defaultValue: defaultValueText(p.default) } : {}),
      required: p.required === true,
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      ...(p.arrayOf !== undefined ? { arrayOf: p.arrayOf } : {}),
    })),
    ...(template.warnings.length > 0
      ? {
        warnings: template.warnings.map((w) => ({
          code: w.code,
          path: w.path,
          ...(w.line !== undefined ? { line: w.line } : {}),
          message: w.message,
        })),
      }
      : {}),
    ...(template.unsupported.length > 0
      ? { unsupported: template.unsupported.map((u) => ({ ...u })) }
      : {}),
  };
}

/**
 * FlowTime-Sim's `defaultValue`: a default as text, as written in a template (`6`, `0.95`,
 * `[10, 15, 20]`, `true`); a string as itself.
 * @param value a typed default
 * @returns its text
 */
export function defaultValueText(value: ParameterValue): string {
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  return String(value);
}
