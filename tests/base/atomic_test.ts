// Leftovers of killed writers: temp folders older than 15 minutes are removed by the next write
// to the same folder, younger ones (a writer may still be busy) are left alone, and an old copy
// moved aside by a replacement that never finished is put back.
import assert from "node:assert/strict";
import { join } from "node:path";
import { STALE_TEMP_MS, writeFolderAtomically } from "../../lib/base/atomic.ts";
import { tempDir } from "../_helpers.ts";

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("the next write removes temp folders older than 15 minutes, only those, and puts back an orphaned old copy", async () => {
  await using dirTmp = await tempDir("atomic-stale");
  const dir = dirTmp.path;
  const old = new Date(Date.now() - STALE_TEMP_MS - 60_000);
  for (const name of [".tmp-a-000000000001", ".trash-a-000000000002", ".tmp-b-000000000003"]) {
    await Deno.mkdir(join(dir, name));
    await Deno.writeTextFile(join(dir, name, "partial.csv"), "bin_index,value\n0,1\n");
  }
  await Deno.utime(join(dir, ".tmp-a-000000000001"), old, old);
  await Deno.utime(join(dir, ".trash-a-000000000002"), old, old);
  await writeFolderAtomically(join(dir, "c"), async (tmp) => {
    await Deno.writeTextFile(join(tmp, "x.txt"), "x");
  });
  assert.equal(STALE_TEMP_MS, 15 * 60 * 1000);
  assert.deepEqual(names(dir), [".tmp-b-000000000003", "a", "c"]);
  assert.deepEqual(names(join(dir, "a")), ["partial.csv"]);
});
