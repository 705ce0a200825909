// The one JSON Schema validator: every schema in schemas/ compiled once (ajv, draft 2020-12)
// and cached. Used by tests for every artifact and by the library where input is JSON.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { FlowTimeError, type FlowTimeErrorCode } from "../base/errors.ts";
import { type SchemaName, SCHEMAS } from "./schemas.ts";

export { type SchemaName, SCHEMAS };

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
