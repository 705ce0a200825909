// `deno task bench`: run the benchmark files given as arguments (default: every bench/*.ts
// that does not start with "_" and is not this file), one after the other.
const self = new URL(import.meta.url).pathname.split("/").pop();
const dir = new URL(".", import.meta.url).pathname;
const files = Deno.args.length > 0
  ? Deno.args
  : [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".ts") && !n.startsWith("_") && n !== self
  ).sort();
for (const file of files) {
  const path = file.includes("/") ? file : `${dir}${file}`;
  console.log(`\n== ${file}`);
  await import(path);
}
