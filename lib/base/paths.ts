// Path confinement: ids and relative references can never name anything outside the folder
// they belong to. Every user-supplied id or `file:` reference passes through here.
import { isAbsolute, join, normalize, relative, resolve, sep } from "node:path";
import { FlowTimeError, fsError } from "./errors.ts";

const SAFE_ID = /^[A-Za-z0-9._-]+$/;
const MAX_ID_LENGTH = 200;

/**
 * Check that an id is safe to use as a single folder or file name: characters
 * `[A-Za-z0-9._-]`, at most 200 characters, not starting with `.` (names starting with a dot
 * are the toolkit's own temp, trash and lock folders, hidden from listings).
 * @param id the id (run id, template id, node id used as a file name)
 * @param what what the id names, for the message (e.g. `run id`)
 * @returns the id, unchanged
 */
export function assertSafeId(id: string, what: string): string {
  if (typeof id !== "string" || id.length === 0) {
    throw new FlowTimeError("invalid_id", `${what} is empty`);
  }
  if (!isSafeId(id)) {
    const shown = id.length > 60 ? `${id.slice(0, 57)}...` : id;
    throw new FlowTimeError(
      "invalid_id",
      `${what} '${
        printable(shown)
      }' is not allowed: use only letters, digits, '.', '_' and '-', at most ${MAX_ID_LENGTH} characters, not starting with '.' (reserved for the toolkit's temp folders)`,
    );
  }
  return id;
}

/**
 * True when `id` passes {@link assertSafeId}.
 * @param id candidate id
 * @returns whether it is a safe single path segment
 */
export function isSafeId(id: string): boolean {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH &&
    SAFE_ID.test(id) && !id.startsWith(".");
}

/**
 * Resolve a relative reference inside a root folder, refusing anything that could escape it:
 * absolute paths, `..` segments that climb out, backslashes, NUL and other control characters.
 * @param root the folder the reference must stay in
 * @param ref a relative path such as `telemetry/OrderService_arrivals.csv`
 * @param what what the reference is, for the message
 * @returns the absolute resolved path
 */
export function resolveInside(root: string, ref: string, what: string): string {
  return resolveFrom(resolve(root), root, ref, what);
}

/**
 * {@link resolveInside} for the many references of one folder (a capture resolves hundreds):
 * the folder's absolute path is found once, where node's `resolve` of a relative folder asks
 * the process for its working folder on every call.
 * @param root the folder the references must stay in
 * @returns resolveInside bound to `root`
 */
export function insideResolver(root: string): (ref: string, what: string) => string {
  const rootAbs = resolve(root);
  return (ref, what) => resolveFrom(rootAbs, root, ref, what);
}

function resolveFrom(rootAbs: string, root: string, ref: string, what: string): string {
  // names joined by single slashes (what a run's own index lists) need no normalising
  if (isPlainRelative(ref)) return rootAbs === "/" ? `/${ref}` : `${rootAbs}/${ref}`;
  // deno-lint-ignore no-control-regex
  if (ref.length === 0 || /[\u0000-\u001f\\]/.test(ref)) {
    throw new FlowTimeError(
      "path_escape",
      `${what} '${printable(ref)}' is not a valid relative path`,
    );
  }
  if (ref.length > 4096 || ref.split("/").some((segment) => segment.length > 255)) {
    throw new FlowTimeError(
      "path_escape",
      `${what} is not a valid relative path: longer than 4096 characters or with a name over 255`,
    );
  }
  if (isAbsolute(ref)) {
    throw new FlowTimeError(
      "path_escape",
      `${what} '${ref}' is absolute; give a path relative to ${root}`,
    );
  }
  const target = resolve(rootAbs, normalize(ref));
  const rel = relative(rootAbs, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new FlowTimeError(
      "path_escape",
      `${what} '${ref}' points outside ${root}; it must stay inside that folder`,
    );
  }
  return join(rootAbs, rel);
}

// True for names of 1 to 255 characters joined by single slashes, none `.` or `..`, without
// control characters or backslashes, at most 4096 in all: a path that passes every check of
// resolveInside and that normalising leaves as it is.
function isPlainRelative(ref: string): boolean {
  if (ref.length === 0 || ref.length > 4096) return false;
  let start = 0;
  for (let i = 0; i <= ref.length; i++) {
    const c = i < ref.length ? ref.charCodeAt(i) : 47; // the end closes the last name
    if (c < 32 || c === 92) return false; // control character, backslash
    if (c !== 47) continue; // /
    const length = i - start;
    if (length === 0 || length > 255) return false;
    if (
      ref.charCodeAt(start) === 46 &&
      (length === 1 || (length === 2 && ref.charCodeAt(i - 1) === 46))
    ) {
      return false; // . or ..
    }
    start = i + 1;
  }
  return true;
}

/**
 * True when `inner` is `outer` or lies inside it (after resolving both).
 * @param outer folder
 * @param inner path to test
 * @returns whether inner is within outer
 */
export function isWithin(outer: string, inner: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Render control characters visibly for error messages.
 * @param text any text
 * @returns text with control characters escaped
 */
export function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  const control = /[\u0000-\u001f\u007f]/g;
  return text.replace(
    control,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/**
 * Check that an existing path, with every symbolic link followed, still lies inside `root`.
 * Paths that do not exist pass (whoever opens them reports that).
 * @param root the folder the path must stay in
 * @param path the path (already checked lexically with {@link resolveInside})
 * @param what what the path is, for the message
 */
export async function assertRealPathInside(
  root: string,
  path: string,
  what: string,
): Promise<void> {
  let real: string;
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(root);
    real = await Deno.realPath(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw fsError(err, "opening", path);
  }
  if (!isWithin(realRoot, real)) {
    throw new FlowTimeError(
      "path_escape",
      `${what} leads outside ${root} through a link; it must stay inside that folder`,
    );
  }
}
