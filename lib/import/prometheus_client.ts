// A client for the Prometheus HTTP query API (`/api/v1/query_range`), as served by Prometheus,
// Thanos, Grafana Mimir, Cortex and VictoriaMetrics: credentials in headers only, a timeout on
// every request, no redirects followed, and every failure a FlowTimeError saying which.
import { FlowTimeError } from "../base/errors.ts";

/** Default time allowed for one request, in milliseconds. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 30_000;

/** Credentials sent with every request: a bearer token, or a user name and password. */
export interface PrometheusCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Basic authentication user name (with `password`). */
  username?: string;
  /** Basic authentication password (with `username`). */
  password?: string;
}

/** Options for {@link PrometheusClient}. */
export interface PrometheusClientOptions {
  /** Credentials; never written to any file or message. */
  credentials?: PrometheusCredentials;
  /** Tenant of a multi-tenant store (Mimir, Cortex), sent as `X-Scope-OrgID`. */
  tenant?: string;
  /** Time allowed for one request, in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for `https` URLs. */
  caCertificates?: string[];
}

/** The time range of one range query, in milliseconds since the epoch. */
export interface RangeRequest {
  /** First evaluation time. */
  startMs: number;
  /** Last evaluation time. */
  endMs: number;
  /** Step between evaluations. */
  stepMs: number;
  /** What the query is, for messages (e.g. `mapping.yaml:4: queries[0]: OrderService Arrivals`). */
  label: string;
  /** Abort the request. */
  signal?: AbortSignal;
}

/** One series of a range query answer. */
export interface RangeSeries {
  /** Its labels. */
  labels: Record<string, string>;
  /** `[unix seconds, value text]` pairs, as answered. */
  values: Array<[number, string]>;
}

/** A range query answer. */
export interface RangeAnswer {
  /** The series. */
  series: RangeSeries[];
  /** Warnings the server sent along (e.g. a partial response). */
  warnings: string[];
}

/** A client for one Prometheus-compatible query API. */
export class PrometheusClient {
  /** The base URL without credentials and trailing slash, as recorded in provenance. */
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #httpClient?: Deno.HttpClient;

  /**
   * Talk to a Prometheus query API.
   * @param baseUrl e.g. `http://prometheus:9090`, `https://mimir.example.com/prometheus`
   * @param options credentials, tenant, timeout and CA certificates
   * @throws FlowTimeError `usage` for a URL that is not http(s), carries credentials or a query
   *   string, for incomplete credentials, or a timeout that is not positive
   */
  constructor(baseUrl: string, options: PrometheusClientOptions = {}) {
    this.url = checkBaseUrl(baseUrl);
    const timeout = options.timeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new FlowTimeError(
        "usage",
        `the timeout must be a positive number of milliseconds, got ${timeout}`,
      );
    }
    this.#timeoutMs = timeout;
    this.#headers = {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      ...authorization(options.credentials ?? {}),
      ...(options.tenant ? { "x-scope-orgid": options.tenant } : {}),
    };
    if (options.caCertificates && options.caCertificates.length > 0) {
      this.#httpClient = Deno.createHttpClient({ caCerts: options.caCertificates });
    }
  }

  /**
   * Evaluate a query at `startMs`, `startMs + stepMs`, ... up to `endMs` (POST
   * `/api/v1/query_range`).
   * @param query the PromQL expression
   * @param range times, step, a label for messages and an abort signal
   * @returns the series and any warnings
   * @throws FlowTimeError `source_unavailable` (not reachable, timeout), `permission_denied`
   *   (no network permission), `query_failed` (the server refused or failed the query),
   *   `source_error` (credentials refused, a server error, not a Prometheus query API),
   *   `import_invalid` (the answer is not a range of series)
   */
  async queryRange(query: string, range: RangeRequest): Promise<RangeAnswer> {
    const body = new URLSearchParams({
      query,
      start: seconds(range.startMs),
      end: seconds(range.endMs),
      step: seconds(range.stepMs),
      timeout: `${Math.max(1, Math.floor(this.#timeoutMs / 1000))}s`,
    });
    const endpoint = `${this.url}/api/v1/query_range`;
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = range.signal ? AbortSignal.any([range.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: this.#headers,
        body,
        redirect: "manual",
        signal,
        ...(this.#httpClient ? { client: this.#httpClient } : {}),
      });
      text = await response.text();
    } catch (err) {
      if (range.signal?.aborted) throw range.signal.reason ?? err;
      throw this.#transportError(err, timeout.aborted);
    }
    return this.#readAnswer(response, text, query, range.label);
  }

  /** Release the HTTP client (only needed with CA certificates). */
  close(): void {
    this.#httpClient?.close();
  }

  #readAnswer(response: Response, text: string, query: string, label: string): RangeAnswer {
    const where = `Prometheus at ${this.url}`;
    const status = response.status;
    if (status >= 300 && status < 400) {
      throw new FlowTimeError(
        "source_error",
        `${where} answered with a redirect (HTTP ${status}) to ${
          response.headers.get("location") ?? "somewhere else"
        }; give the URL it redirects to`,
      );
    }
    if (status === 401 || status === 403) {
      throw new FlowTimeError(
        "source_error",
        `${where} refused the request (HTTP ${status}${
          status === 401 ? ": authentication required or wrong credentials" : ": not allowed"
        })`,
        { fix: { option: "credentials", effect: "send credentials it accepts" } },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const answer = json as {
      status?: unknown;
      errorType?: unknown;
      error?: unknown;
      data?: { resultType?: unknown; result?: unknown };
      warnings?: unknown;
    } | undefined;
    if (
      !answer || typeof answer !== "object" ||
      (answer.status !== "success" && answer.status !== "error")
    ) {
      throw new FlowTimeError(
        "source_error",
        `${where} does not look like a Prometheus query API: POST /api/v1/query_range answered HTTP ${status} with ${
          describeBody(text)
        }; give the base URL the API lives under (e.g. http://prometheus:9090, or .../prometheus for Mimir)`,
      );
    }
    if (answer.status === "error") {
      const type = typeof answer.errorType === "string" ? answer.errorType : "error";
      const message = typeof answer.error === "string" ? answer.error : "(no message)";
      const refused = type === "bad_data" || type === "execution" || status === 400 ||
        status === 422;
      throw new FlowTimeError(
        refused ? "query_failed" : "source_error",
        `${label}: ${where} ${refused ? "rejected" : "failed"} the query ${
          quote(query)
        } (HTTP ${status}, ${type}: ${message})`,
      );
    }
    const data = answer.data;
    if (!data || data.resultType !== "matrix" || !Array.isArray(data.result)) {
      const kind = typeof data?.resultType === "string" ? data.resultType : "no result";
      throw new FlowTimeError(
        "import_invalid",
        `${label}: the query ${
          quote(query)
        } returned ${kind}, not series over time; write a query that returns one numeric series`,
      );
    }
    const series: RangeSeries[] = [];
    for (const raw of data.result as unknown[]) {
      const s = raw as { metric?: unknown; values?: unknown; histograms?: unknown };
      if (s.histograms !== undefined && s.values === undefined) {
        throw new FlowTimeError(
          "import_invalid",
          `${label}: the query ${
            quote(query)
          } returned native histogram samples; import a number from them (histogram_count, histogram_sum, histogram_quantile)`,
        );
      }
      if (!s || typeof s !== "object" || !Array.isArray(s.values)) {
        throw new FlowTimeError(
          "source_error",
          `${where} answered the query ${quote(query)} with a malformed series`,
        );
      }
      const labels: Record<string, string> = {};
      if (s.metric && typeof s.metric === "object") {
        for (const [k, v] of Object.entries(s.metric as Record<string, unknown>)) {
          labels[k] = String(v);
        }
      }
      series.push({ labels, values: s.values as Array<[number, string]> });
    }
    const warnings = Array.isArray(answer.warnings)
      ? answer.warnings.map((w) => `${label}: ${String(w)}`)
      : [];
    return { series, warnings };
  }

  #transportError(err: unknown, timedOut: boolean): FlowTimeError {
    const where = `Prometheus at ${this.url}`;
    if (timedOut) {
      return new FlowTimeError(
        "source_unavailable",
        `${where} did not answer within ${this.#timeoutMs} ms; check that it is running and reachable, or allow more time`,
        { cause: err, fix: { option: "timeoutMs", effect: "wait longer" } },
      );
    }
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      return new FlowTimeError(
        "permission_denied",
        `reaching ${where} is not permitted; run with --allow-net=${new URL(this.url).host}`,
        { cause: err },
      );
    }
    const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return new FlowTimeError(
      "source_unavailable",
      `cannot reach ${where} (${reason}); check the URL and that the server is running`,
      { cause: err },
    );
  }
}

/**
 * Check a base URL: http or https, no credentials, no query string or fragment. A trailing
 * `/api/v1` (or `/api/v1/query_range`) is dropped, so the API root may be given either way.
 * @param baseUrl the URL as given
 * @returns the URL without trailing slash
 */
export function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new FlowTimeError(
      "usage",
      `Prometheus URL '${baseUrl}' is not a URL (write e.g. http://127.0.0.1:9090)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FlowTimeError("usage", `Prometheus URL must start with http:// or https://`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new FlowTimeError(
      "usage",
      `the Prometheus URL carries credentials; give the URL without them and pass the credentials separately, so that they are never written anywhere`,
      { fix: { option: "credentials", effect: "authenticate" } },
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new FlowTimeError(
      "usage",
      `the Prometheus URL ${url.origin}${url.pathname} must not have a query string or fragment`,
    );
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v1(\/query_range)?$/, "");
  return `${url.origin}${path}`;
}

function authorization(c: PrometheusCredentials): Record<string, string> {
  const basic = c.username !== undefined || c.password !== undefined;
  if (c.bearerToken !== undefined && basic) {
    throw new FlowTimeError(
      "usage",
      "give either a bearer token or a user name and password, not both",
    );
  }
  if (c.bearerToken !== undefined) {
    if (c.bearerToken === "" || /[\r\n]/.test(c.bearerToken)) {
      throw new FlowTimeError("usage", "the bearer token is empty or spans lines");
    }
    return { authorization: `Bearer ${c.bearerToken}` };
  }
  if (basic) {
    if (!c.username || c.password === undefined) {
      throw new FlowTimeError(
        "usage",
        "basic authentication needs both a user name and a password",
      );
    }
    if (c.username.includes(":")) {
      throw new FlowTimeError("usage", "a basic authentication user name cannot contain ':'");
    }
    const bytes = new TextEncoder().encode(`${c.username}:${c.password}`);
    return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
  }
  return {};
}

// Unix seconds with millisecond precision, as Prometheus reads them.
function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}

function quote(query: string): string {
  const oneLine = query.replace(/\s+/g, " ");
  return `'${oneLine.length > 200 ? oneLine.slice(0, 197) + "..." : oneLine}'`;
}

function describeBody(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "an empty body";
  const shown = trimmed.replace(/\s+/g, " ").slice(0, 80);
  return `'${shown}${trimmed.length > 80 ? "..." : ""}'`;
}
