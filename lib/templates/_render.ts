// Writes generated models as YAML: deterministic, number lists on one line, and strings quoted
// wherever a YAML 1.1 reader (FlowTime's .NET side) could mistake them for another type.
import { Document, isScalar, visit } from "../base/yaml.ts";

/**
 * Render a value as YAML text. The same value always gives the same bytes.
 * @param value a JSON-like value (mapping keys in the order they should appear)
 * @returns the YAML text, ending with a newline
 */
export function renderYaml(value: unknown): string {
  const doc = new Document(value, { version: "1.1" });
  visit(doc, {
    Seq(_, seq) {
      if (seq.items.length > 0 && seq.items.every((item) => isScalar(item))) {
        seq.flow = true;
      }
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
