// What writers need to compare what they would write with a folder already there (and keep it,
// "unchanged", when it holds the same content): the files below a folder, equal bytes.
import { join } from "node:path";
import { fsError } from "./errors.ts";

/**
 * Every file below a folder, as paths relative to it with `/` separators, sorted.
 * @param dir the folder
 * @returns relative file paths
 */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const abs = rel === "" ? dir : join(dir, rel);
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(abs));
    } catch (err) {
      throw fsError(err, "listing", abs);
    }
    for (const e of entries) {
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(child);
      else out.push(child);
    }
  };
  await walk("");
  return out.sort();
}

/**
 * True when two byte arrays are equal.
 * @param a one
 * @param b the other
 * @returns whether they hold the same bytes
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
