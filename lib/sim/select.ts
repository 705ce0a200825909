// Chooses the Sim client a caller asked for: HTTP when a Sim URL is given, else the templates
// folder in this process.
import type { SimClient } from "./client.ts";
import { HttpSimClient } from "./http.ts";
import { InProcessSimClient } from "./in_process.ts";

/** Options for {@link createSimClient}. */
export interface SimClientChoice {
  /** Sim service URL; none or empty = the in-process Sim. */
  simUrl?: string;
  /** Templates folder for the in-process Sim.
   * @default "./templates"
   */
  templatesDir?: string;
  /** Fixed `generatedAt` for the in-process Sim (an HTTP Sim sets its own). */
  generatedAt?: string;
  /** Request timeout of the HTTP client, in milliseconds. */
  timeoutMs?: number;
}

/**
 * The Sim client for a command: HTTP when a URL is given, else
 * in-process over the templates folder.
 * @param choice URL, folder, generation time and timeout
 * @returns the client
 */
export function createSimClient(choice: SimClientChoice = {}): SimClient {
  const url = choice.simUrl;
  if (url !== undefined && url !== "") {
    return new HttpSimClient(url, { timeoutMs: choice.timeoutMs });
  }
  return new InProcessSimClient(choice.templatesDir ?? "./templates", {
    generatedAt: choice.generatedAt,
  });
}
