// The templates folder: listing keeps going past broken files (reported with file and line),
// ids never escape the folder, and details carry typed defaults.
import assert from "node:assert/strict";
import { join } from "node:path";
import { detailOf, loadCatalog, loadTemplate, summaryOf } from "../../lib/templates/catalog.ts";
import { assertRejectsCode, ROOT, type TempDir, tempFixture } from "../_helpers.ts";
import { BASE, baseWith } from "./_samples.ts";

const TEMPLATES = join(ROOT, "templates");

/** A templates folder with the bundled templates plus broken and ignored files. */
function mixedFolder(): Promise<TempDir> {
  return tempFixture("catalog", async (dir) => {
    for (const id of ["order-system", "microservices", "http-service"]) {
      await Deno.copyFile(join(TEMPLATES, `${id}.yaml`), join(dir, `${id}.yaml`));
    }
    await Deno.writeTextFile(
      join(dir, "broken.yaml"),
      baseWith(3, "  id: broken").replace("values: [1, 2]", "values: [1, 2"),
    );
    await Deno.writeTextFile(join(dir, "renamed.yaml"), BASE);
    await Deno.writeTextFile(join(dir, "bad name.yaml"), BASE);
    await Deno.writeTextFile(join(dir, ".hidden.yaml"), "not: [a template");
    await Deno.writeTextFile(join(dir, "notes.txt"), "not a template");
    return {};
  });
}

Deno.test("listing reports files that do not load with file and line and still lists the others", async () => {
  await using mixed = await mixedFolder();
  const dir = mixed.path;
  const catalog = await loadCatalog(dir);
  assert.deepEqual(catalog.templates.map((t) => t.document.metadata.id), [
    "http-service",
    "microservices",
    "order-system",
  ]);
  assert.deepEqual(catalog.problems.map((p) => [p.file, p.line, p.path]), [
    ["bad name.yaml", undefined, undefined],
    ["broken.yaml", 17, undefined], // the list opened on line 16 is found unclosed on line 17
    ["renamed.yaml", 3, "metadata.id"],
  ]);
  assert.match(catalog.problems[0].message, /file name 'bad name' is not a valid template id/);
  assert.match(catalog.problems[1].message, /^not valid YAML/);
  assert.equal(
    catalog.problems[2].message,
    "metadata.id 't' differs from the file name 'renamed.yaml'; make them equal",
  );
});

Deno.test("template ids with path characters are refused before touching the disk", async () => {
  for (const id of ["../templates/order-system", "a/b", "..", "x\\y", "", "order-system\n"]) {
    await assertRejectsCode(
      () => loadTemplate(TEMPLATES, id),
      "invalid_id",
      undefined,
      JSON.stringify(id),
    );
  }
});

Deno.test("an unknown template id is template_not_found and lists the available ids", async () => {
  const err = await assertRejectsCode(
    () => loadTemplate(TEMPLATES, "order-sytem"),
    "template_not_found",
  );
  assert.equal(
    err.message,
    `no template 'order-sytem' in ${TEMPLATES} (available: http-service, microservices, order-system)`,
  );
});

Deno.test("a template that does not load by id is template_invalid with file and line", async () => {
  await using mixed = await mixedFolder();
  const dir = mixed.path;
  const err = await assertRejectsCode(() => loadTemplate(dir, "renamed"), "template_invalid");
  assert.ok(err.message.startsWith(`${join(dir, "renamed.yaml")}:3: metadata.id:`), err.message);
});

Deno.test("a missing templates folder is not_found and says how to set it", async () => {
  await assertRejectsCode(
    () => loadCatalog(join(ROOT, ".tmp", "no-such-folder")),
    "not_found",
    /does not exist; set the templatesDir option to use the folder holding <id>\.yaml templates$/,
  );
});

Deno.test("summary and detail of order-system", async () => {
  const t = await loadTemplate(TEMPLATES, "order-system");
  assert.deepEqual(summaryOf(t), {
    id: "order-system",
    title: "Order System",
    description:
      "Orders with a daily rhythm flowing from OrderService to PaymentService; payment capacity follows a pmf.",
    version: "1.0.0",
    tags: ["orders", "payments", "services", "pmf"],
    category: "general",
  });
  const detail = detailOf(t);
  assert.deepEqual(detail.parameters[0], {
    name: "bins",
    type: "integer",
    title: "Bins",
    description: "Number of time bins (288 bins of 5 minutes = one day).",
    default: 288,
    defaultValue: "288",
    required: false,
    min: 1,
    max: 10000,
  });
  assert.deepEqual(detail.parameters.find((p) => p.name === "paymentCapacityLevels")?.default, [
    100,
    140,
    180,
  ]);
  assert.deepEqual(detail.parameters.find((p) => p.name === "telemetryDir"), {
    name: "telemetryDir",
    type: "string",
    title: "Telemetry folder",
    description: "Folder holding the captured CSVs (telemetry mode only).",
    required: false,
  });
});
