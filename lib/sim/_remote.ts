// Reads what a Sim service answers into our shapes, tolerating a real FlowTime-Sim: defaults
// sent as strings, `minimum`/`maximum`, `arrayOf: int|double`, and errors as ProblemDetails
// (validation failures arrive as 500).
import { FlowTimeError, type FlowTimeErrorCode } from "../base/errors.ts";
import { hashOf } from "../base/hash.ts";
import type { RunMode } from "../model/types.ts";
import { arrayElementType, parseParameterText } from "../templates/param_text.ts";
import { defaultValueText } from "../templates/catalog.ts";
import type {
  GeneratedModel,
  ModelProvenance,
  ParameterType,
  ParameterValue,
  TemplateDetail,
  TemplateDetailParameter,
  TemplateSummary,
} from "../templates/types.ts";

type Json = Record<string, unknown>;

const TYPES: readonly ParameterType[] = ["integer", "number", "boolean", "string", "array"];
/** Error codes a Sim service may send that keep their meaning on this side. */
const PASSED_CODES: readonly FlowTimeErrorCode[] = [
  "template_not_found",
  "template_invalid",
  "invalid_parameters",
  "invalid_mode",
  "invalid_body",
  "invalid_id",
  "payload_too_large",
];

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function text(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : fallback;
}

/**
 * Read one listing entry.
 * @param raw an element of the listing
 * @returns the summary, or undefined when it has no id
 */
export function readSummary(raw: unknown): TemplateSummary | undefined {
  if (!isObject(raw) || typeof raw.id !== "string" || raw.id === "") return undefined;
  return {
    id: raw.id,
    title: text(raw.title, raw.id),
    description: text(raw.description, ""),
    version: text(raw.version, "0.0.0"),
    tags: Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === "string") : [],
    ...(typeof raw.category === "string" ? { category: raw.category } : {}),
    ...(typeof raw.narrative === "string" ? { narrative: raw.narrative } : {}),
    ...(typeof raw.captureKey === "string" ? { captureKey: raw.captureKey } : {}),
  };
}

/**
 * Read a template detail.
 * @param raw the response body
 * @param id the requested id (used when the body has none)
 * @returns the detail
 */
export function readDetail(raw: unknown, id: string): TemplateDetail {
  if (!isObject(raw)) {
    throw new FlowTimeError(
      "sim_error",
      `the Sim service described template '${id}' with something other than a JSON object`,
    );
  }
  const summary = readSummary({ id, ...raw })!;
  const params = Array.isArray(raw.parameters) ? raw.parameters : [];
  return {
    ...summary,
    parameters: params.flatMap((p) => readParameter(p)),
    ...(Array.isArray(raw.warnings)
      ? { warnings: raw.warnings as TemplateDetail["warnings"] }
      : {}),
    ...(Array.isArray(raw.unsupported)
      ? { unsupported: raw.unsupported as TemplateDetail["unsupported"] }
      : {}),
  };
}

function readParameter(raw: unknown): TemplateDetailParameter[] {
  if (!isObject(raw) || typeof raw.name !== "string") return [];
  const type = TYPES.includes(raw.type as ParameterType) ? raw.type as ParameterType : "string";
  const decl: TemplateDetailParameter = {
    name: raw.name,
    type,
    required: raw.required === true,
  };
  if (typeof raw.title === "string") decl.title = raw.title;
  if (typeof raw.description === "string") decl.description = raw.description;
  const min = numberOf(raw.min ?? raw.minimum);
  const max = numberOf(raw.max ?? raw.maximum);
  if (min !== undefined) decl.min = min;
  if (max !== undefined) decl.max = max;
  if (type === "array") decl.arrayOf = arrayElementType(raw.arrayOf) ?? "number";
  // FlowTime-Sim sends the default as text in `defaultValue` (this toolkit: typed in `default`).
  const def = defaultOf(type, raw.default ?? raw.defaultValue);
  if (def !== undefined) {
    decl.default = def;
    decl.defaultValue = typeof raw.defaultValue === "string" && raw.default === undefined
      ? raw.defaultValue
      : defaultValueText(def);
  }
  return [decl];
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

// FlowTime-Sim may send every default as a string ("12", "[1,2]", "true").
function defaultOf(type: ParameterType, raw: unknown): ParameterValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string" && type !== "string") return parseParameterText(type, raw);
  if (type === "array" && Array.isArray(raw)) {
    const nums = raw.map((v) => numberOf(v));
    return nums.every((v) => v !== undefined) ? nums as number[] : undefined;
  }
  if (type === "string") return typeof raw === "string" ? unquote(raw) : JSON.stringify(raw);
  if (type === "boolean") return typeof raw === "boolean" ? raw : undefined;
  return numberOf(raw);
}

// FlowTime-Sim's header scanner keeps the quotes of a string default (`default: ""` arrives as
// the text `""`).
function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) {
    return t.slice(1, -1);
  }
  return text;
}

/**
 * Read a generate response.
 * @param raw the response body
 * @param id the template id asked for
 * @param mode the mode asked for, if any
 * @returns the generated model, with `modelHash` computed from the model text
 */
export function readGenerated(raw: unknown, id: string, mode: RunMode | undefined): GeneratedModel {
  if (!isObject(raw) || typeof raw.model !== "string") {
    throw new FlowTimeError(
      "sim_error",
      `the Sim service answered the generate request for '${id}' without a model (expected {model, provenance, metadata})`,
    );
  }
  const provenance = (isObject(raw.provenance) ? raw.provenance : {}) as unknown as ModelProvenance;
  const meta = isObject(raw.metadata) ? raw.metadata : {};
  const modeOf = (v: unknown): RunMode | undefined =>
    v === "simulation" || v === "telemetry" ? v : undefined;
  return {
    model: raw.model,
    provenance,
    metadata: {
      templateId: text(meta.templateId, text(provenance.templateId, id)),
      templateTitle: text(meta.templateTitle, id),
      templateVersion: text(meta.templateVersion, text(provenance.templateVersion, "0.0.0")),
      mode: modeOf(meta.mode) ?? modeOf(provenance.mode) ?? mode ?? "simulation",
      modelHash: hashOf(raw.model),
      hasTelemetrySources: typeof meta.hasTelemetrySources === "boolean"
        ? meta.hasTelemetrySources
        : /^\s+source:/m.test(raw.model),
    },
  };
}

/**
 * Turn an error answer into a FlowTimeError: our `{error, code, details}` keeps its code;
 * ProblemDetails (`{title, detail, errors}`) from FlowTime-Sim become `template_not_found`
 * (404, or a 400 saying "not found"), `invalid_parameters` when they name parameters (also on
 * 500, FlowTime-Sim's answer to validation errors), else `sim_error`.
 * @param status HTTP status
 * @param body parsed body (or undefined when not JSON)
 * @param bodyText the raw body, for messages
 * @param where `Sim service <url>`, for messages
 * @returns the error
 */
export function remoteError(
  status: number,
  body: unknown,
  bodyText: string,
  where: string,
): FlowTimeError {
  if (isObject(body) && typeof body.error === "string" && typeof body.code === "string") {
    const code = PASSED_CODES.includes(body.code as FlowTimeErrorCode)
      ? body.code as FlowTimeErrorCode
      : "sim_error";
    const message = code === "sim_error"
      ? `${where} answered ${status}: ${body.error}`
      : body.error;
    return new FlowTimeError(
      code,
      message,
      body.details === undefined ? {} : { details: body.details },
    );
  }
  const detail = isObject(body)
    ? [body.title, body.detail].filter((v) => typeof v === "string" && v !== "").join(": ")
    : bodyText.trim().slice(0, 300);
  const issues = parameterIssues(body, detail);
  if (status === 404 || (status === 400 && /not found|unknown template/i.test(detail))) {
    return new FlowTimeError("template_not_found", `${where}: ${detail || "template not found"}`);
  }
  if (issues.length > 0 && (status === 400 || status === 422 || status === 500)) {
    return new FlowTimeError("invalid_parameters", `${where}: ${detail || issues[0].message}`, {
      details: issues,
    });
  }
  return new FlowTimeError(
    "sim_error",
    `${where} answered ${status}${detail ? `: ${detail}` : ""}`,
  );
}

function parameterIssues(
  body: unknown,
  detail: string,
): Array<{ parameter: string; message: string }> {
  const out: Array<{ parameter: string; message: string }> = [];
  if (isObject(body) && isObject(body.errors)) {
    for (const [name, messages] of Object.entries(body.errors)) {
      const list = Array.isArray(messages) ? messages : [messages];
      for (const m of list) out.push({ parameter: name, message: String(m) });
    }
  }
  for (const m of detail.matchAll(/parameter\s+['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/gi)) {
    if (!out.some((i) => i.parameter === m[1])) out.push({ parameter: m[1], message: detail });
  }
  return out;
}
