// What a `file:` reference names, as FlowTime's UriResolver reads it: `file:X.csv` and
// `file:../series/x.csv` relative to the folder of the model file, `file://telemetry/X.csv` in
// its `telemetry/` subfolder, `file:///abs/x.csv` an absolute path.

/**
 * The path a `source` (or `file:` semantic) reference names, relative to the model's folder
 * (`file:` prefix removed; `file://telemetry/X` is `telemetry/X`; absolute paths stay absolute).
 * @param source the reference, e.g. `file:telemetry/OrderService_arrivals.csv`
 * @returns the path
 */
export function sourcePath(source: string): string {
  return source.startsWith("file:") ? source.slice(5).replace(/^\/\/(?=[^/])/, "") : source;
}
