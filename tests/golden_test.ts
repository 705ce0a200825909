// Every golden set regenerates to exactly the checked-in bytes.
import { join } from "node:path";
import { GOLDEN_SETS } from "../scripts/golden/registry.ts";
import { assertSameTree, ROOT, tempDir } from "./_helpers.ts";

for (const set of GOLDEN_SETS) {
  Deno.test(`golden ${set.name}: regenerating gives the checked-in bytes (fixtures/${set.dir})`, async () => {
    await using outTmp = await tempDir(`golden-${set.name}`);
    const out = outTmp.path;
    await set.generate(out);
    await assertSameTree(out, join(ROOT, "fixtures", set.dir));
  });
}
