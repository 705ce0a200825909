// The Sim service over HTTP: this toolkit's server or a real FlowTime-Sim, with a timeout on
// every request and a clear `sim_unavailable` error when nothing answers.
import { FlowTimeError } from "../base/errors.ts";
import { assertSafeId } from "../base/paths.ts";
import type { GeneratedModel, TemplateDetail, TemplateList } from "../templates/types.ts";
import type { GenerateRequest, SimClient } from "./client.ts";
import { decodeProblemsHeader, TEMPLATE_PROBLEMS_HEADER } from "./problems_header.ts";
import { readDetail, readGenerated, readSummary, remoteError } from "./_remote.ts";

/** Default time allowed for one request, in milliseconds. */
export const DEFAULT_SIM_TIMEOUT_MS = 30_000;

/** Options for {@link HttpSimClient}. */
export interface HttpSimOptions {
  /** Time allowed for one request (connect, send, read the answer), in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

/** A {@link SimClient} talking to `<baseUrl>/api/v1/templates...`. */
export class HttpSimClient implements SimClient {
  /** The service root, without a trailing slash. */
  readonly baseUrl: string;
  readonly #timeoutMs: number;

  /**
   * Talk to a Sim service.
   * @param baseUrl service root, e.g. `http://127.0.0.1:8080`
   * @param options request timeout
   * @throws FlowTimeError `usage` when the URL is not http(s) or the timeout not positive
   */
  constructor(baseUrl: string, options: HttpSimOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new FlowTimeError(
        "usage",
        `Sim URL '${baseUrl}' is not a URL (write e.g. http://127.0.0.1:8080)`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new FlowTimeError("usage", `Sim URL '${baseUrl}' must start with http:// or https://`);
    }
    const timeout = options.timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new FlowTimeError(
        "usage",
        `Sim timeout must be a positive number of milliseconds, got ${timeout}`,
      );
    }
    this.baseUrl = url.href.replace(/\/+$/, "");
    this.#timeoutMs = timeout;
  }

  /**
   * List the service's templates; problems come from the `X-FlowTime-Template-Problems` header.
   * @returns summaries and problems
   */
  async listTemplates(): Promise<TemplateList> {
    const { body, headers } = await this.#request("GET", "/api/v1/templates");
    const items = Array.isArray(body) ? body : body && typeof body === "object" &&
        Array.isArray((body as { templates?: unknown }).templates)
      ? (body as { templates: unknown[] }).templates
      : undefined;
    if (!items) {
      throw new FlowTimeError(
        "sim_error",
        `${this.#where()} listed templates as something other than a JSON array`,
      );
    }
    const templates = items.flatMap((item) => {
      const summary = readSummary(item);
      return summary ? [summary] : [];
    }).sort((a, b) => a.id.localeCompare(b.id));
    return { templates, problems: decodeProblemsHeader(headers.get(TEMPLATE_PROBLEMS_HEADER)) };
  }

  /**
   * Describe one template; string defaults of a FlowTime-Sim are converted to their type.
   * @param id template id
   * @returns the detail
   */
  async getTemplate(id: string): Promise<TemplateDetail> {
    assertSafeId(id, "template id");
    const { body } = await this.#request("GET", `/api/v1/templates/${encodeURIComponent(id)}`);
    return readDetail(body, id);
  }

  /**
   * Generate a model on the service.
   * @param id template id
   * @param request caller values and mode (default the template's mode)
   * @returns the generated model (`modelHash` recomputed from the model text)
   */
  async generate(id: string, request: GenerateRequest = {}): Promise<GeneratedModel> {
    const { parameters = {}, mode } = request;
    assertSafeId(id, "template id");
    const query = mode ? `?mode=${encodeURIComponent(mode)}` : "";
    const { body } = await this.#request(
      "POST",
      `/api/v1/templates/${encodeURIComponent(id)}/generate${query}`,
      JSON.stringify(parameters),
    );
    return readGenerated(body, id, mode);
  }

  #where(): string {
    return `Sim service ${this.baseUrl}`;
  }

  async #request(
    method: string,
    path: string,
    payload?: string,
  ): Promise<{ body: unknown; headers: Headers }> {
    const url = this.baseUrl + path;
    let response: Response;
    let bodyText: string;
    try {
      response = await fetch(url, {
        method,
        headers: payload === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
        body: payload,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      bodyText = await readLimited(response, MAX_SIM_RESPONSE_BYTES);
    } catch (err) {
      if (err instanceof TooLarge) {
        throw new FlowTimeError(
          "sim_error",
          `${this.#where()} answered ${method} ${path} with more than ${MAX_SIM_RESPONSE_BYTES} bytes; a model or template list is far smaller, so the answer was dropped`,
        );
      }
      throw this.#transportError(err);
    }
    let body: unknown;
    try {
      body = bodyText.trim() === "" ? undefined : JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
    if (!response.ok) throw remoteError(response.status, body, bodyText, this.#where());
    if (body === undefined) {
      throw new FlowTimeError(
        "sim_error",
        `${this.#where()} answered ${method} ${path} with a body that is not JSON`,
      );
    }
    return { body, headers: response.headers };
  }

  #transportError(err: unknown): FlowTimeError {
    if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError")) {
      return new FlowTimeError(
        "sim_unavailable",
        `${this.#where()} did not answer within ${this.#timeoutMs} ms; check that it is running and reachable`,
        { cause: err },
      );
    }
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      const host = new URL(this.baseUrl).host;
      return new FlowTimeError(
        "permission_denied",
        `reaching ${this.#where()} is not permitted; run with --allow-net=${host}`,
        { cause: err },
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    return new FlowTimeError(
      "sim_unavailable",
      `cannot reach ${this.#where()} (${reason})`,
      { cause: err, fix: { option: "simUrl", effect: "use a Sim service that is running" } },
    );
  }
}

/** Largest answer read from a Sim service (a generated model with 10,000-bin arrays is ~1 MB). */
const MAX_SIM_RESPONSE_BYTES = 16 * 1024 * 1024;

class TooLarge extends Error {}

// The body as text, refusing (and cancelling) it past `max` bytes, declared or sent.
async function readLimited(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    throw new TooLarge();
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > max) {
      // Leaving the loop cancels the stream.
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}
