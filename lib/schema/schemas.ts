// The published JSON Schemas (schemas/*.schema.json) by name, without the validator: what needs
// only a schema's text (the state's schema hash) does not load ajv, some 70 ms at a process's
// start.
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
