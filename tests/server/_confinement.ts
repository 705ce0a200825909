// A server layout with canaries for path-confinement tests, the traversal and injection vectors,
// and the routes that take an id or a path. A canary is a real run, template or capture placed
// just outside the data and templates folders: a request that escaped would read it (and its
// marker would show in the answer) or write next to it (and the folder listing would change).
import { join } from "node:path";
import { listing } from "../telemetry/_capture_helpers.ts";
import { copyTree, ROOT, type TempDir, tempFixture } from "../_helpers.ts";

/** The run inside the data folder (fixtures/runs, order-system). */
export const INSIDE_RUN = "run_deterministic_d9dfa8a0";
/** Id of the fixture run copied as the canary (queue-buffer); it never appears inside. */
export const CANARY_RUN_ID = "run_deterministic_e673448a";
/** Folder name of the canary runs (beside `runs/` and beside the data folder). */
export const CANARY_RUN = "canary_run";
/** Title of the canary template (`canary.yaml` beside the templates folder). */
export const CANARY_TITLE = "CANARY TEMPLATE";
/** Name of a symlink inside `runs/` that points at the canary outside the data folder. */
export const ESCAPE_LINK = "escape_link";

/** The layout. */
export interface ConfinementLayout {
  /** Parent of everything below. */
  base: string;
  /** `<base>/data` with `runs/<INSIDE_RUN>` and the `escape_link` symlink. */
  dataDir: string;
  /** `<base>/templates` with order-system.yaml. */
  templatesDir: string;
}

/**
 * Build the layout:
 * ```
 * <base>/canary_run/            a complete run (queue-buffer)        = runs/../../canary_run
 * <base>/canary.yaml            template "canary" titled CANARY      = templates/../canary.yaml
 * <base>/canary_capture/        a complete capture (order-system)
 * <base>/data/canary_run/       a complete run                       = runs/../canary_run
 * <base>/data/canary.yaml       the canary template again
 * <base>/data/runs/<INSIDE_RUN> the one run the server should serve
 * <base>/data/runs/escape_link  -> <base>/canary_run
 * <base>/templates/order-system.yaml
 * ```
 * @returns the folders; disposing the layout removes `<base>`
 */
export function buildConfinementLayout(): Promise<ConfinementLayout & TempDir> {
  return tempFixture("confine", fillConfinementLayout);
}

async function fillConfinementLayout(base: string): Promise<ConfinementLayout> {
  const dataDir = join(base, "data");
  const templatesDir = join(base, "templates");
  await copyTree(join(ROOT, "fixtures/runs", INSIDE_RUN), join(dataDir, "runs", INSIDE_RUN));
  await copyTree(join(ROOT, "fixtures/runs", CANARY_RUN_ID), join(base, CANARY_RUN));
  await copyTree(join(ROOT, "fixtures/runs", CANARY_RUN_ID), join(dataDir, CANARY_RUN));
  await copyTree(join(ROOT, "fixtures/captures/order-system"), join(base, "canary_capture"));
  await copyTree(join(ROOT, "fixtures/captures/order-system"), join(dataDir, INSIDE_CAPTURE));
  // Deno.symlink needs unscoped permissions; the test task scopes writes to ./.tmp.
  const ln = await new Deno.Command("ln", {
    args: ["-s", join(base, CANARY_RUN), join(dataDir, "runs", ESCAPE_LINK)],
  }).output();
  if (!ln.success) throw new Error(`ln -s failed: ${new TextDecoder().decode(ln.stderr)}`);
  await Deno.mkdir(templatesDir);
  await Deno.copyFile(
    join(ROOT, "templates/order-system.yaml"),
    join(templatesDir, "order-system.yaml"),
  );
  const canary = (await Deno.readTextFile(join(ROOT, "templates/order-system.yaml")))
    .replace("id: order-system", "id: canary")
    .replace("title: Order System", `title: ${CANARY_TITLE}`);
  await Deno.writeTextFile(join(base, "canary.yaml"), canary);
  await Deno.writeTextFile(join(dataDir, "canary.yaml"), canary);
  return { base, dataDir, templatesDir };
}

/**
 * Every file and folder below the base with size and modification time.
 * @param layout the layout
 * @returns sorted listing lines
 */
export async function layoutListing(layout: ConfinementLayout): Promise<string[]> {
  return await listing(layout.base);
}

/**
 * True when an answer shows something only a canary holds.
 * @param text response text
 * @returns whether a canary leaked
 */
export function leaksCanary(text: string): boolean {
  return text.includes(CANARY_RUN_ID) || text.includes(CANARY_TITLE) ||
    text.includes("Service and support queue");
}

/** A traversal or injection vector: its form in a URL path segment and as a JSON string. */
export interface Vector {
  /** What it tries. */
  name: string;
  /** Raw text for a path segment (sent as is; percent escapes are the attack). */
  segment: string;
  /** The same id as a JSON string value (what the segment decodes to). */
  value: string;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const v = (name: string, segment: string, value = decoded(segment)): Vector => ({
  name,
  segment,
  value,
});

/**
 * The vectors, aimed at the canaries (one and two levels up from `runs/` and `templates/`).
 * @param layout the layout (for absolute paths)
 * @returns at least 30 vectors
 */
export function traversalVectors(layout: ConfinementLayout): Vector[] {
  return [
    v("parent", ".."),
    v("current", "."),
    v("encoded parent", "%2e%2e"),
    v("encoded parent, upper case", "%2E%2E"),
    v("half-encoded parent", ".%2E"),
    v("parent then encoded slash", "..%2f" + CANARY_RUN),
    v("parent then encoded slash, upper case", "..%2F" + CANARY_RUN),
    v("two levels, encoded slashes", `..%2f..%2f${CANARY_RUN}`),
    v("two levels, all encoded", `%2e%2e%2f%2e%2e%2f${CANARY_RUN}`),
    v("encoded backslashes", `..%5c..%5c${CANARY_RUN}`),
    v("backslashes", `..\\..\\${CANARY_RUN}`, `..\\..\\${CANARY_RUN}`),
    v("double encoding", `%252e%252e%252f${CANARY_RUN}`),
    v("NUL after the id", `${CANARY_RUN}%00`),
    v("NUL inside a traversal", `..%00%2f${CANARY_RUN}`),
    v("absolute path", "%2fetc%2fpasswd"),
    v("absolute path of the canary", encodeURIComponent(join(layout.base, CANARY_RUN))),
    v("5,000-character id", "a".repeat(5000)),
    v("1,000 levels up", "..%2f".repeat(1000) + CANARY_RUN),
    v("U+2215 division slash", `..%E2%88%95..%E2%88%95${CANARY_RUN}`),
    v("U+FF0E fullwidth full stops", `%EF%BC%8E%EF%BC%8E%E2%88%95${CANARY_RUN}`),
    v("overlong UTF-8 dots and slash", `%C0%AE%C0%AE%C0%AF${CANARY_RUN}`),
    v("Cyrillic look-alike letter in a real id", INSIDE_RUN.replace("a", "%D0%B0")),
    v("trailing dot", `${INSIDE_RUN}.`),
    v("trailing space", `${INSIDE_RUN}%20`),
    v("parent with trailing space", "..%20"),
    v("three dots", "..."),
    v("four dots and slashes", `....%2f%2f${CANARY_RUN}`),
    v("semicolon path parameter", `..;%2f${CANARY_RUN}`),
    v("home folder", "~root"),
    v("file URL", "file:%2f%2f%2fetc%2fpasswd"),
    v("encoded query", `${INSIDE_RUN}%3fbinIndex=0`),
    v("encoded fragment", `${INSIDE_RUN}%23x`),
    v("CRLF header injection", "x%0d%0aX-Injected:%20yes"),
    v("IIS %u escapes", "%u002e%u002e"),
    v("Windows drive", "C:%5cWindows"),
    v("UNC path", "%5c%5cserver%5cshare"),
    v("symlink pointing outside the data folder", ESCAPE_LINK),
    v("template beside the templates folder", "..%2fcanary"),
    v("template in the data folder", "..%2fdata%2fcanary"),
  ];
}

/** A route that takes an id or a path. */
export interface IdRoute {
  /** Label for messages. */
  label: string;
  /** HTTP method. */
  method: "GET" | "POST";
  /** Request target with the vector placed in it (raw segment). */
  target(segment: string): string;
  /** JSON body with the vector placed in it (decoded value), if the route takes one. */
  body?(value: string): string;
  /** The value that names something inside the folders (the route then answers 2xx). */
  inside?: string;
}

/** A capture folder inside the data folder, relative to it. */
export const INSIDE_CAPTURE = "telemetry/inside_capture";

/**
 * Every route of the server that takes an id or a path, with the vector in that position.
 * @returns the routes
 */
export function idRoutes(): IdRoute[] {
  const run = (suffix: string): IdRoute => ({
    label: `GET /v1/runs/{runId}${suffix}`,
    method: "GET",
    target: (s) => `/v1/runs/${s}${suffix}`,
  });
  return [
    run(""),
    run("/state?binIndex=0"),
    run("/state_window?startBin=0&endBin=1"),
    run("/index"),
    run("/model"),
    run("/graph"),
    run("/series/order_arrivals"),
    {
      label: "GET /v1/runs/{runId}/series/{seriesId}",
      method: "GET",
      target: (s) => `/v1/runs/${INSIDE_RUN}/series/${s}`,
    },
    { label: "GET /api/v1/templates/{id}", method: "GET", target: (s) => `/api/v1/templates/${s}` },
    {
      label: "POST /api/v1/templates/{id}/generate",
      method: "POST",
      target: (s) => `/api/v1/templates/${s}/generate`,
      body: () => "{}",
    },
    {
      label: "POST /v1/telemetry/captures {runId}",
      method: "POST",
      target: () => "/v1/telemetry/captures",
      body: (value) => JSON.stringify({ runId: value }),
    },
    {
      label: "POST /v1/telemetry/captures {gaps: node}",
      method: "POST",
      target: () => "/v1/telemetry/captures",
      body: (value) =>
        JSON.stringify({
          runId: INSIDE_RUN,
          gaps: { rules: [{ node: value, metric: "arrivals", bins: [0], action: "drop" }] },
        }),
    },
    {
      label: "POST /v1/runs {templateId}",
      method: "POST",
      target: () => "/v1/runs",
      body: (value) => JSON.stringify({ templateId: value, options: { dryRun: true } }),
      inside: "order-system",
    },
    {
      label: "POST /v1/runs {telemetry.captureDirectory}",
      method: "POST",
      target: () => "/v1/runs",
      body: (value) =>
        JSON.stringify({
          templateId: "order-system",
          mode: "telemetry",
          telemetry: { captureDirectory: value },
          options: { dryRun: true },
        }),
      inside: INSIDE_CAPTURE,
    },
  ];
}
