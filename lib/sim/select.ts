// Chooses the Sim client a command uses: HTTP when a Sim URL is given (flag or
// FLOWTIME_SIM_URL), else the templates folder in this process.
import { simUrl as envSimUrl, templatesDir as envTemplatesDir } from "../../cli/config.ts";
import type { SimClient } from "./client.ts";
import { HttpSimClient } from "./http.ts";
import { InProcessSimClient } from "./in_process.ts";

/** Options for {@link createSimClient}. */
export interface SimClientChoice {
  /** Sim service URL; default `$FLOWTIME_SIM_URL`; none = in-process. */
  simUrl?: string;
  /** Templates folder for the in-process Sim; default `$FLOWTIME_TEMPLATES_DIR` or ./templates. */
  templatesDir?: string;
  /** Fixed `generatedAt` for the in-process Sim (an HTTP Sim sets its own). */
  generatedAt?: string;
  /** Request timeout of the HTTP client, in milliseconds. */
  timeoutMs?: number;
}

/**
 * The Sim client for a command: HTTP when a URL is given or set in the environment, else
 * in-process over the templates folder.
 * @param choice URL, folder, generation time and timeout
 * @returns the client
 */
export function createSimClient(choice: SimClientChoice = {}): SimClient {
  const url = choice.simUrl ?? envSimUrl();
  if (url !== undefined && url !== "") {
    return new HttpSimClient(url, { timeoutMs: choice.timeoutMs });
  }
  return new InProcessSimClient(choice.templatesDir ?? envTemplatesDir(), {
    generatedAt: choice.generatedAt,
  });
}
