// The one JSON Schema validator: every schema in schemas/ compiled once (ajv, draft 2020-12)
// and cached. Used by tests for every artifact and by the library where input is JSON.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { FlowTimeError, type FlowTimeErrorCode } from "../base/errors.ts";
import modelSchema from "../../schemas/model.schema.json" with { type: "json" };
import runSchema from "../../schemas/run.schema.json" with { type: "json" };
import seriesIndexSchema from "../../schemas/series-index.schema.json" with { type: "json" };
import runManifestSchema from "../../schemas/run-manifest.schema.json" with { type: "json" };
import modelMetadataSchema from "../../schemas/model-metadata.schema.json" with { type: "json" };
import timeTravelStateSchema from "../../schemas/time-travel-state.schema.json" with {
  type: "json",
};
import templateSchema from "../../schemas/template.schema.json" with { type: "json" };
import provenanceSchema from "../../schemas/provenance.schema.json" with { type: "json" };
import telemetryManifestSchema from "../../schemas/telemetry-manifest.schema.json" with {
  type: "json",
};
import gapsSchema from "../../schemas/gaps.schema.json" with { type: "json" };
import telemetryManifestReadSchema from "../../schemas/telemetry-manifest-read.schema.json" with {
  type: "json",
};
import prometheusMappingSchema from "../../schemas/prometheus-mapping.schema.json" with {
  type: "json",
};

/** Name of a published schema (file `schemas/<name>.schema.json`). */
export type SchemaName =
  | "model"
  | "run"
  | "series-index"
  | "run-manifest"
  | "model-metadata"
  | "time-travel-state"
  | "template"
  | "provenance"
  | "telemetry-manifest"
  | "telemetry-manifest-read"
  | "gaps"
  | "prometheus-mapping";

/** Every published schema, by name. */
export const SCHEMAS: Readonly<Record<SchemaName, object>> = {
  model: modelSchema,
  run: runSchema,
  "series-index": seriesIndexSchema,
  "run-manifest": runManifestSchema,
  "model-metadata": modelMetadataSchema,
  "time-travel-state": timeTravelStateSchema,
  template: templateSchema,
  provenance: provenanceSchema,
  "telemetry-manifest": telemetryManifestSchema,
  "telemetry-manifest-read": telemetryManifestReadSchema,
  gaps: gapsSchema,
  "prometheus-mapping": prometheusMappingSchema,
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (fn) return fn;
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
  }
  fn = ajv.getSchema((SCHEMAS[name] as { $id: string }).$id) as ValidateFunction;
  compiled.set(name, fn);
  return fn;
}

/** Result of a schema check. */
export interface SchemaCheck {
  /** Whether the value conforms. */
  valid: boolean;
  /** One line per problem: `/path: message`. */
  errors: string[];
}

/**
 * Check a value against a published schema.
 * @param name schema name
 * @param value the value (parsed JSON or YAML)
 * @returns validity and readable problems
 */
export function checkSchema(name: SchemaName, value: unknown): SchemaCheck {
  const fn = validatorFor(name);
  const valid = fn(value) as boolean;
  return { valid, errors: valid ? [] : (fn.errors ?? []).map(describeError) };
}

/**
 * Throw when a value does not conform to a schema.
 * @param name schema name
 * @param value the value
 * @param what what the value is (file name), for the message
 * @param code error code (default `bundle_invalid`)
 */
export function assertSchema(
  name: SchemaName,
  value: unknown,
  what: string,
  code: FlowTimeErrorCode = "bundle_invalid",
): void {
  const result = checkSchema(name, value);
  if (!result.valid) {
    throw new FlowTimeError(
      code,
      `${what} does not match the ${name} schema: ${result.errors[0]}`,
      { details: result.errors },
    );
  }
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === "" ? "(root)" : e.instancePath;
  if (e.keyword === "additionalProperties") {
    return `${where}: unknown field '${
      (e.params as { additionalProperty: string }).additionalProperty
    }'`;
  }
  if (e.keyword === "enum") {
    return `${where}: must be one of ${
      (e.params as { allowedValues: unknown[] }).allowedValues.join(", ")
    }`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}
