// The byte encoder of state responses: for every fixture run, every snapshot bin and a spread of
// windows, the bytes equal the UTF-8 of the object form's text; streamed windows concatenate to
// the same bytes; a failing query throws before the first chunk.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { loadStateRun, type StateRun } from "../../lib/state/load.ts";
import { queryState, stateResponseText } from "../../lib/state/service.ts";
import { encodeStateResponse, stateWindowChunks } from "../../lib/state/encode.ts";
import type { StateQuery } from "../../lib/state/types.ts";
import { ROOT } from "../_helpers.ts";

const encoder = new TextEncoder();

async function fixtureRuns(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.name === "run.json") out.push(dirname(path));
    }
  };
  await walk(join(ROOT, "fixtures"));
  return out.sort();
}

function expected(run: StateRun, query: StateQuery): Uint8Array | string {
  try {
    return encoder.encode(stateResponseText(queryState(run, query)));
  } catch (err) {
    return (err as { code?: string }).code ?? "error";
  }
}

function actual(run: StateRun, query: StateQuery): Uint8Array | string {
  try {
    return encodeStateResponse(run, query);
  } catch (err) {
    return (err as { code?: string }).code ?? "error";
  }
}

function streamed(run: StateRun, query: StateQuery & { kind: "window" }): Uint8Array | string {
  let it;
  try {
    it = stateWindowChunks(run, query);
  } catch (err) {
    return (err as { code?: string }).code ?? "error";
  }
  const parts: Uint8Array[] = [];
  for (let r = it.next(); !r.done; r = it.next()) parts.push(r.value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

Deno.test("encoded responses equal the text of every fixture run's snapshots and windows", async () => {
  const dirs = await fixtureRuns();
  assert.ok(dirs.length >= 5);
  let compared = 0;
  for (const dir of dirs) {
    let run: StateRun;
    try {
      run = await loadStateRun(dir);
    } catch {
      continue; // fixtures of damaged runs
    }
    const bins = run.timeline.bins;
    const queries: StateQuery[] = [];
    for (let b = 0; b < bins; b++) queries.push({ kind: "snapshot", binIndex: b });
    for (
      const [s, e] of [[0, bins - 1], [0, 0], [bins - 1, bins - 1], [1, Math.min(bins - 1, 7)]]
    ) {
      if (s <= e && e < bins) queries.push({ kind: "window", startBin: s, endBin: e });
    }
    for (const q of queries) {
      const want = expected(run, q);
      assert.deepEqual(actual(run, q), want, `${dir} ${JSON.stringify(q)}`);
      if (q.kind === "window") assert.deepEqual(streamed(run, q), want, `${dir} streamed`);
      compared++;
    }
  }
  assert.ok(compared > 100, `compared ${compared}`);
});
