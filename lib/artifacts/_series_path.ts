// Where a series file of a run lies. resolveInside (six node:path calls, some 5 us) gives the
// run folder's absolute path joined with the relative path when every name of it is plain, as
// the paths the toolkit writes (`series/<id>.csv`) are: those are joined directly (a cold open
// reads hundreds), anything else takes its checks.
import { join, resolve } from "node:path";
import { resolveInside } from "../base/paths.ts";

// Relative paths of names that start with a letter, digit, `@`, `_` or `-` (no `.`, so no `..`)
// and are at most 255 characters.
const PLAIN_RELATIVE =
  /^(?:[A-Za-z0-9@_-][A-Za-z0-9@._-]{0,254}\/)*[A-Za-z0-9@_-][A-Za-z0-9@._-]{0,254}$/;

/**
 * The path of each series file of a run folder, as resolveInside gives it.
 * @param dir the run folder
 * @returns the path of a series from its id and relative path
 * @throws FlowTimeError `path_escape` (from the function returned) as resolveInside does
 */
export function seriesPaths(dir: string): (entry: { id: string; path: string }) => string {
  const absoluteDir = resolve(dir);
  return (entry) =>
    entry.path.length <= 4096 && PLAIN_RELATIVE.test(entry.path)
      ? join(absoluteDir, entry.path)
      : resolveInside(dir, entry.path, `series path of ${entry.id}`);
}
