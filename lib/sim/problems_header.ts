// Template files that fail to load travel with a listing in one response header, so the body
// keeps FlowTime-Sim's shape (a plain array) while clients still learn file, line and message.
import type { TemplateProblem } from "../templates/types.ts";

/** Response header of `GET /api/v1/templates` listing the template files that do not load. */
export const TEMPLATE_PROBLEMS_HEADER = "X-FlowTime-Template-Problems";

/** Most header bytes spent on problems; the rest are summarised. */
export const MAX_PROBLEMS_HEADER_BYTES = 6000;

/**
 * Encode problems as ASCII-only JSON for a header value (non-ASCII escaped as `\uXXXX`).
 * Problems that do not fit in {@link MAX_PROBLEMS_HEADER_BYTES} are replaced by one entry
 * saying how many were left out.
 * @param problems the problems
 * @returns the header value
 */
export function encodeProblemsHeader(problems: readonly TemplateProblem[]): string {
  const kept: TemplateProblem[] = [];
  let text = "[]";
  for (let i = 0; i < problems.length; i++) {
    const next = ascii(JSON.stringify([...kept, problems[i]]));
    if (next.length > MAX_PROBLEMS_HEADER_BYTES) {
      const left = problems.length - i;
      return ascii(JSON.stringify([...kept, {
        file: "*",
        message: `${left} more template file${
          left > 1 ? "s" : ""
        } could not be loaded; see the server log`,
      }]));
    }
    kept.push(problems[i]);
    text = next;
  }
  return text;
}

/**
 * Decode the header; anything malformed gives no problems rather than an error.
 * @param value the header value, if present
 * @returns the problems it lists
 */
export function decodeProblemsHeader(value: string | null | undefined): TemplateProblem[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((p): TemplateProblem[] => {
      if (!p || typeof p.file !== "string" || typeof p.message !== "string") return [];
      return [{
        file: p.file,
        ...(Number.isInteger(p.line) ? { line: p.line } : {}),
        ...(typeof p.path === "string" ? { path: p.path } : {}),
        message: p.message,
      }];
    });
  } catch {
    return [];
  }
}

function ascii(text: string): string {
  return text.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
