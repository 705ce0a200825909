// `deno task golden`: regenerate every checked-in golden set under fixtures/. Review the result
// with `git diff fixtures/` before committing.
import { join } from "node:path";
import { GOLDEN_SETS } from "./golden/registry.ts";
import { PROJECT_ROOT } from "./golden/common.ts";

const only = Deno.args;
for (const set of GOLDEN_SETS) {
  if (only.length > 0 && !only.includes(set.name)) continue;
  const target = join(PROJECT_ROOT, "fixtures", set.dir);
  const staging = `${target}.regenerating`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  await Deno.mkdir(staging, { recursive: true });
  await set.generate(staging);
  await Deno.remove(target, { recursive: true }).catch(() => {});
  await Deno.rename(staging, target);
  console.log(`golden ${set.name}: fixtures/${set.dir} regenerated`);
}
console.log("review with: git diff --stat fixtures/");
