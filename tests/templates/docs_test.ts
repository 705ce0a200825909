// docs/templates/README.md stays in step with the example templates: its parameter tables
// list exactly each template's parameters with their type, default and range.
import assert from "node:assert/strict";
import { join } from "node:path";
import { detailOf, loadTemplate } from "../../lib/templates/catalog.ts";
import { ROOT } from "../_helpers.ts";

const README = join(ROOT, "docs/templates/README.md");

function tableAfter(text: string, heading: string): string[][] {
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no '${heading}' section`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of text.slice(start).split("\n").slice(2)) {
    if (line.startsWith("|")) {
      inTable = true;
      rows.push(line.split("|").slice(1, -1).map((c) => c.trim()));
    } else if (inTable || line.startsWith("#")) break;
  }
  return rows.slice(2); // header and separator
}

for (const id of ["order-system", "microservices", "http-service"]) {
  Deno.test(`the ${id} parameter table in docs/templates/README.md matches the template`, async () => {
    const detail = detailOf(await loadTemplate(join(ROOT, "templates"), id));
    const rows = tableAfter(await Deno.readTextFile(README), `### ${id}`);
    const expected = detail.parameters.map((p) => [
      `\`${p.name}\``,
      p.type === "array" ? `array of ${p.arrayOf}` : p.type,
      p.default === undefined
        ? "(none)"
        : `\`${Array.isArray(p.default) ? `[${p.default.join(", ")}]` : p.default}\``,
      p.min === undefined && p.max === undefined ? "" : `${p.min ?? ""}..${p.max ?? ""}`,
      p.description ?? "",
    ]);
    assert.deepEqual(rows, expected);
  });
}
