// Every CLI command, in the order `flowtime --help` lists them. Everything imported here is
// loaded by every invocation, `--help` too, so a command module imports at its top only what
// its help and flags need and loads the library in `run` with `await import(...)`: the npm
// packages behind the library (yaml, ajv, hono) took most of the startup time
// (tests/cli/light_start_test.ts).
import type { Command } from "./command.ts";
import { runCommand } from "./run.ts";
import { validateCommand } from "./validate.ts";
import { gcCommand } from "./gc.ts";
import { serveCommand } from "./serve.ts";
import { stateCommand } from "./state.ts";
import {
  templatesGenerateCommand,
  templatesListCommand,
  templatesShowCommand,
} from "./templates.ts";
import { captureCommand, telemetryCaptureCommand } from "./telemetry.ts";
import { telemetryBundleCommand } from "./telemetry_bundle.ts";
import { telemetryParityCommand } from "./telemetry_parity.ts";
import { runsDeleteCommand, runsListCommand } from "./runs.ts";
import { completionsCommand } from "./completions.ts";
import { telemetryImportCsvCommand, telemetryImportPrometheusCommand } from "./telemetry_import.ts";
import { exportOpenMetricsCommand } from "./export_openmetrics.ts";
import { exportFlowTimeCommand } from "./export_flowtime.ts";

/** All commands. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  validateCommand,
  stateCommand,
  runsListCommand,
  runsDeleteCommand,
  templatesListCommand,
  templatesShowCommand,
  templatesGenerateCommand,
  telemetryCaptureCommand,
  telemetryBundleCommand,
  telemetryParityCommand,
  telemetryImportPrometheusCommand,
  telemetryImportCsvCommand,
  exportOpenMetricsCommand,
  exportFlowTimeCommand,
  captureCommand,
  serveCommand,
  gcCommand,
  completionsCommand,
];
