// `deno task bench`: runs the benchmark scripts given as arguments, or every bench/*.ts except
// this dispatcher and `_`-prefixed helpers, one after another. Each script prints its figures.
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const requested = Deno.args.length > 0 ? Deno.args.map((a) => resolve(a)) : (
  await Array.fromAsync(Deno.readDir(here))
).filter((e) =>
  e.isFile && e.name.endsWith(".ts") && e.name !== "run.ts" && !e.name.startsWith("_")
)
  .map((e) => join(here, e.name))
  .sort();

for (const file of requested) {
  console.log(`\n== bench ${basename(file)} ==`);
  await import(pathToFileURL(file).href);
}
