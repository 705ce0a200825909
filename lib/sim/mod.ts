// Public face of the sim folder: the SimClient interface and its in-process and HTTP
// implementations.
export type { SimClient } from "./client.ts";
export { InProcessSimClient, type InProcessSimOptions } from "./in_process.ts";
export { DEFAULT_SIM_TIMEOUT_MS, HttpSimClient, type HttpSimOptions } from "./http.ts";
export { createSimClient, type SimClientChoice } from "./select.ts";
export {
  decodeProblemsHeader,
  encodeProblemsHeader,
  MAX_PROBLEMS_HEADER_BYTES,
  TEMPLATE_PROBLEMS_HEADER,
} from "./problems_header.ts";
export { collectParameters, type ParameterSources } from "./parameters.ts";
