// In-process server for route tests: an app over a temp data folder, with its log lines kept.
import { createApp } from "../../server/app.ts";
import { createLogger } from "../../server/logger.ts";

/** An app plus the JSON log lines it wrote. */
export interface TestApp {
  /** Send a request (path relative to the app). */
  get(path: string): Promise<Response>;
  /** Parsed log records, one per request. */
  logs: Array<Record<string, unknown>>;
}

/**
 * Build the app over a data folder, capturing its request log.
 * @param dataDir data folder (runs in `<dataDir>/runs`)
 * @returns the app and its log
 */
export function testApp(dataDir: string): TestApp {
  const logs: Array<Record<string, unknown>> = [];
  const app = createApp({
    dataDir,
    templatesDir: dataDir,
    logger: createLogger((line) => logs.push(JSON.parse(line))),
  });
  return { get: async (path) => await app.request(path), logs };
}

/**
 * Assert-friendly view of an error response: status and parsed body.
 * @param res the response
 * @returns status, body and content type
 */
export async function errorOf(
  res: Response,
): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  return {
    status: res.status,
    body: await res.json(),
    type: res.headers.get("content-type"),
  };
}
