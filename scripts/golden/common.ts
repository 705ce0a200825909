// Constants and paths shared by every golden set.
import { fileURLToPath } from "node:url";

/** Fixed timestamp for every golden artifact. */
export const GOLDEN_TIME = "2025-10-07T00:00:00Z";

/** Absolute project root. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../..", import.meta.url)).replace(
  /\/$/,
  "",
);

/** The example models with checked-in run bundles (paths relative to the project root). */
export const GOLDEN_MODELS: readonly string[] = [
  "fixtures/models/queue-buffer.yaml",
  "fixtures/models/backlog-shift.yaml",
  "fixtures/models/order-system.yaml",
  "fixtures/reference/flowtime/http-service/model.yaml",
];
