// `deno task check` step: the module layers run one way. Reads every relative import under lib/,
// server/ and cli/, and fails when a folder imports a folder of the same or a higher layer
// (which is how a cycle would start), when folders form an import cycle, when a file imports
// another folder's private `_` file, or when a wrapped package is imported past its one door.
// The layer picture is docs/architecture.md's.
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Layers from the bottom up; a folder may import only folders of a lower layer. */
export const LAYERS: ReadonlyArray<readonly string[]> = [
  ["schemas", "viewer"],
  ["lib/base"],
  ["lib/expr", "lib/schema"],
  ["lib/model"],
  ["lib/engine"],
  ["lib/artifacts"],
  ["lib/state", "lib/telemetry", "lib/templates"],
  ["lib/sim", "lib/export", "lib/import"],
  ["lib/workflow"],
  ["server"],
  ["cli"],
];

/** Packages that one module wraps for everyone else, by bare specifier. */
export const DOORS: Readonly<Record<string, string>> = {
  // the yaml parser reads LOG_TOKENS/LOG_STREAM; lib/base/yaml.ts keeps that from needing --allow-env
  yaml: "lib/base/yaml.ts",
};

/** One import that breaks the rules. */
export interface LayerProblem {
  /** Importing file, relative to the project root. */
  file: string;
  /** What it imports, relative to the project root. */
  target: string;
  /** Why it is not allowed. */
  reason: string;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/**
 * Check the import layers of a project.
 * @param root project root
 * @returns every problem found (empty when the layers hold) and the folder import graph
 */
export async function checkLayers(
  root: string,
): Promise<{ problems: LayerProblem[]; edges: Map<string, Set<string>> }> {
  const rank = new Map<string, number>();
  LAYERS.forEach((layer, i) => layer.forEach((folder) => rank.set(folder, i)));
  const problems: LayerProblem[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of await sourceFiles(root, ["lib", "server", "cli"])) {
    const folder = dirname(file);
    const text = await Deno.readTextFile(join(root, file));
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith(".")) {
        const door = DOORS[spec];
        if (door !== undefined && file !== door) {
          problems.push({ file, target: spec, reason: `import ${spec} through ${door} only` });
        }
        continue;
      }
      const target = normalize(join(folder, spec));
      const targetFolder = dirname(target);
      if (targetFolder === folder) continue;
      if (!edges.has(folder)) edges.set(folder, new Set());
      edges.get(folder)!.add(targetFolder);
      const base = target.split("/").pop()!;
      if (base.startsWith("_")) {
        problems.push({ file, target, reason: "imports a file private to another folder" });
      }
      const from = rank.get(folder);
      const to = rank.get(targetFolder);
      if (from === undefined) {
        problems.push({ file, target, reason: `folder ${folder} is not in a layer` });
      } else if (to === undefined) {
        problems.push({ file, target, reason: `folder ${targetFolder} is not in a layer` });
      } else if (to >= from) {
        problems.push({
          file,
          target,
          reason:
            `${folder} (layer ${from}) may only import lower layers, not ${targetFolder} (layer ${to})`,
        });
      }
    }
  }
  // Tests, scripts and benchmarks are outside the layers, but use the doors too.
  for (const file of await sourceFiles(root, ["tests", "scripts", "bench"], true)) {
    const text = await Deno.readTextFile(join(root, file));
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      const door = DOORS[spec];
      if (door !== undefined) {
        problems.push({ file, target: spec, reason: `import ${spec} through ${door} only` });
      }
    }
  }
  for (const cycle of cyclesOf(edges)) {
    problems.push({ file: cycle[0], target: cycle[1], reason: `cycle ${cycle.join(" -> ")}` });
  }
  return { problems, edges };
}

async function sourceFiles(root: string, folders: string[], tests = false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(root, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.name.endsWith(".ts") && (tests || !e.name.endsWith("_test.ts"))) out.push(rel);
    }
  };
  for (const f of folders) {
    try {
      await walk(f);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return out.sort();
}

// Every elementary cycle found by a depth-first search from each folder (folder graphs are
// small), each reported once, starting from its smallest name.
function cyclesOf(edges: Map<string, Set<string>>): string[][] {
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const visit = (path: string[]) => {
    for (const next of edges.get(path[path.length - 1]) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = canonical.join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...canonical, canonical[0]]);
        }
      } else if (path.length < 32) visit([...path, next]);
    }
  };
  for (const node of edges.keys()) visit([node]);
  return cycles;
}

if (import.meta.main) {
  const root = relative(Deno.cwd(), fileURLToPath(new URL("..", import.meta.url))) || ".";
  const { problems, edges } = await checkLayers(root);
  if (problems.length > 0) {
    for (const p of problems) console.error(`${p.file}: imports ${p.target}: ${p.reason}`);
    console.error(`layers: ${problems.length} problem(s); see docs/architecture.md`);
    Deno.exit(1);
  }
  const count = [...edges.values()].reduce((n, s) => n + s.size, 0);
  console.log(`layers: ok (${edges.size} folders, ${count} folder imports, no cycles)`);
}
