// State responses written straight to UTF-8 bytes: exactly the text of
// `stateResponseText(queryState(run, query))`, without building the response's object tree
// (a 50-node window is some 130,000 values, each a boxed number in an array in an object) or
// the intermediate strings. Windows come out in chunks, so a long window can be streamed with
// memory that does not grow with its length.
import type { StateNode, StateRun } from "./load.ts";
import {
  finiteOrNull,
  latencyMinutesOf,
  queueColor,
  serviceColor,
  throughputRatioOf,
  usesQueueColor,
  utilizationOf,
} from "./derived.ts";
import { checkSimulationRun, telemetryGapWarnings, telemetryMissingWarnings } from "./mode.ts";
import { binStartUtc, stateBinOf } from "./timeline.ts";
import type { NodeTelemetry, StateQuery, StateValue, StateWarning } from "./types.ts";
import { clipWarnings } from "./warnings.ts";
import { responseJsonFragment } from "./_response_text.ts";

const ENCODER = new TextEncoder();
/** Chunk size a streamed window is cut into (a chunk may run over by one value). */
export const STREAM_CHUNK_BYTES = 64 * 1024;

// A growable byte buffer; `take` hands the bytes written so far to the caller and starts over.
class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  // ASCII text (keys, punctuation, numbers, timestamps)
  ascii(text: string): void {
    this.reserve(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let k = 0; k < text.length; k++) buf[pos++] = text.charCodeAt(k);
    this.pos = pos;
  }

  // any text, as UTF-8
  text(text: string): void {
    this.reserve(text.length * 3);
    this.pos += ENCODER.encodeInto(text, this.buf.subarray(this.pos)).written;
  }

  // a value as responses show it: finite numbers as String() writes them, anything else null
  value(v: number | null | undefined): void {
    if (typeof v !== "number" || v !== v || v === Infinity || v === -Infinity) {
      this.ascii("null");
    } else if (Number.isSafeInteger(v)) this.integer(v);
    else this.ascii(String(v));
  }

  // decimal digits of a safe integer, as String() writes them (no sign for -0)
  integer(value: number): void {
    this.reserve(17);
    const buf = this.buf;
    let pos = this.pos;
    if (value < 0) {
      buf[pos++] = 45; // -
      value = -value;
    }
    if (value < 10) {
      buf[pos++] = 48 + value;
      this.pos = pos;
      return;
    }
    let digits = 0;
    for (let v = value; v >= 1; v = Math.floor(v / 10)) digits++;
    for (let k = pos + digits - 1; k >= pos; k--) {
      buf[k] = 48 + (value % 10);
      value = Math.floor(value / 10);
    }
    this.pos = pos + digits;
  }

  take(copy: boolean): Uint8Array {
    const out = copy ? this.buf.slice(0, this.pos) : this.buf.subarray(0, this.pos);
    if (!copy) this.buf = new Uint8Array(this.buf.length);
    this.pos = 0;
    return out;
  }
}

const COLOR_TEXT = { green: '"green"', yellow: '"yellow"', red: '"red"', gray: '"gray"' };

/**
 * The response to a state query as UTF-8 bytes, equal to the UTF-8 of
 * `stateResponseText(queryState(run, query))`.
 * @param run the opened run
 * @param query a snapshot bin or an inclusive window (already checked against the grid)
 * @returns the bytes
 * @throws FlowTimeError as {@link import("./service.ts").queryState}
 */
export function encodeStateResponse(run: StateRun, query: StateQuery): Uint8Array {
  if (query.kind === "snapshot") return encodeSnapshot(run, query.binIndex);
  const chunks = [...windowChunks(run, query, Infinity)];
  return chunks.length === 1 ? chunks[0] : concat(chunks);
}

/**
 * A window response in chunks of about {@link STREAM_CHUNK_BYTES}, for streaming: the bytes of
 * {@link encodeStateResponse} cut into pieces. The run is checked before the first chunk, so a
 * failing query throws from this call, never half-way through the response.
 * @param run the opened run
 * @param range the inclusive window (already checked against the grid)
 * @returns the chunks, produced one by one as they are pulled
 * @throws FlowTimeError `mode_validation_failed` as {@link import("./window.ts").windowOf}
 */
export function stateWindowChunks(
  run: StateRun,
  range: { startBin: number; endBin: number },
): Iterator<Uint8Array> {
  if (run.mode !== "telemetry") checkSimulationRun(run, range.startBin, range.endBin);
  return windowChunks(run, range, STREAM_CHUNK_BYTES, true);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function encodeSnapshot(run: StateRun, bin: number): Uint8Array {
  const telemetry = run.mode === "telemetry";
  if (!telemetry) checkSimulationRun(run, bin, bin);
  const w = new ByteWriter(1024 + run.nodes.length * 512);
  w.ascii('{\n  "metadata": ');
  w.text(metadataText(run));
  w.ascii(',\n  "bin": ');
  w.text(responseJsonFragment(stateBinOf(run.timeline, bin), "  "));
  w.ascii(',\n  "nodes": ');
  if (run.nodes.length === 0) w.ascii("[]");
  else {
    w.ascii("[\n");
    run.nodes.forEach((node, i) => {
      if (i > 0) w.ascii(",\n");
      snapshotNode(w, run, node, bin, telemetry);
    });
    w.ascii("\n  ]");
  }
  w.ascii(',\n  "warnings": ');
  w.text(responseJsonFragment(runWarnings(run, bin, bin, telemetry), "  "));
  w.ascii("\n}\n");
  return w.take(true);
}

function snapshotNode(
  w: ByteWriter,
  run: StateRun,
  node: StateNode,
  bin: number,
  telemetry: boolean,
): void {
  const s = node.series;
  const arrivals = finiteOrNull(s.arrivals?.[bin]);
  const served = finiteOrNull(s.served?.[bin]);
  const hasQueue = node.refs.queueDepth !== undefined;
  const hasCapacity = node.refs.capacity !== undefined;
  const queue = hasQueue ? finiteOrNull(s.queueDepth?.[bin]) : undefined;
  const capacity = hasCapacity ? finiteOrNull(s.capacity?.[bin]) : undefined;
  w.ascii('    {\n      "id": ');
  w.text(JSON.stringify(node.id));
  w.ascii(',\n      "kind": ');
  w.text(JSON.stringify(node.kind));
  w.ascii(',\n      "metrics": {\n        "arrivals": ');
  w.value(arrivals);
  w.ascii(',\n        "served": ');
  w.value(served);
  w.ascii(',\n        "errors": ');
  w.value(s.errors?.[bin]);
  if (hasQueue) {
    w.ascii(',\n        "queue": ');
    w.value(queue);
  }
  if (hasCapacity) {
    w.ascii(',\n        "capacity": ');
    w.value(capacity);
  }
  if (node.refs.externalDemand !== undefined) {
    w.ascii(',\n        "externalDemand": ');
    w.value(s.externalDemand?.[bin]);
  }
  const utilization = utilizationOf(served, capacity ?? null);
  const latency = hasQueue ? latencyMinutesOf(queue!, served, run.timeline.binMinutes) : undefined;
  w.ascii('\n      },\n      "derived": {\n        "utilization": ');
  w.value(utilization);
  if (hasQueue) {
    w.ascii(',\n        "latencyMinutes": ');
    w.value(latency);
  }
  w.ascii(',\n        "throughputRatio": ');
  w.value(throughputRatioOf(served, arrivals));
  w.ascii(',\n        "color": ');
  w.ascii(
    COLOR_TEXT[
      usesQueueColor(node.kind) ? queueColor(latency, node.slaMin) : serviceColor(utilization)
    ],
  );
  w.ascii('\n      },\n      "telemetry": ');
  w.text(responseJsonFragment(nodeTelemetry(run, node, bin, bin, telemetry), "      "));
  w.ascii("\n    }");
}

function* windowChunks(
  run: StateRun,
  range: { startBin: number; endBin: number },
  flushAt: number,
  checked = false,
): Generator<Uint8Array> {
  const { startBin, endBin } = range;
  const telemetry = run.mode === "telemetry";
  if (!telemetry && !checked) checkSimulationRun(run, startBin, endBin);
  const count = endBin - startBin + 1;
  const copy = flushAt === Infinity;
  const w = new ByteWriter(copy ? 4096 + run.nodes.length * count * 80 : flushAt + 4096);
  w.ascii('{\n  "metadata": ');
  w.text(metadataText(run));
  w.ascii(`,\n  "window": {\n    "startBin": ${startBin},\n    "endBin": ${endBin},\n`);
  w.ascii(`    "binCount": ${count}\n  },\n  "timestampsUtc": [`);
  for (let i = startBin; i <= endBin; i++) {
    if (i > startBin) w.ascii(", ");
    const ts = binStartUtc(run.timeline, i);
    if (ts === null) w.ascii("null");
    else w.text(JSON.stringify(ts));
    if (w.pos >= flushAt) yield w.take(copy);
  }
  w.ascii('],\n  "nodes": ');
  if (run.nodes.length === 0) w.ascii("[]");
  else {
    w.ascii("[\n");
    for (let n = 0; n < run.nodes.length; n++) {
      if (n > 0) w.ascii(",\n");
      yield* windowNode(w, run, run.nodes[n], range, { telemetry, flushAt, copy });
    }
    w.ascii("\n  ]");
  }
  w.ascii(',\n  "warnings": ');
  w.text(responseJsonFragment(runWarnings(run, startBin, endBin, telemetry), "  "));
  w.ascii("\n}\n");
  yield w.take(copy);
}

// The per-bin values of one series of a window node.
type Column = (i: number) => StateValue;

function* windowNode(
  w: ByteWriter,
  run: StateRun,
  node: StateNode,
  range: { startBin: number; endBin: number },
  how: { telemetry: boolean; flushAt: number; copy: boolean },
): Generator<Uint8Array> {
  const { startBin, endBin } = range;
  const s = node.series;
  const hasQueue = node.refs.queueDepth !== undefined;
  const hasCapacity = node.refs.capacity !== undefined;
  const raw = (values: Float64Array | undefined): Column => (i) => finiteOrNull(values?.[i]);
  const arrivals = raw(s.arrivals);
  const served = raw(s.served);
  const queue = raw(s.queueDepth);
  const capacity = raw(s.capacity);
  const binMinutes = run.timeline.binMinutes;
  const utilization: Column = (i) => utilizationOf(served(i), hasCapacity ? capacity(i) : null);
  const latency: Column = (i) => latencyMinutesOf(queue(i), served(i), binMinutes);
  const columns: Array<[string, Column]> = [
    ["arrivals", arrivals],
    ["served", served],
    ["errors", raw(s.errors)],
  ];
  if (hasQueue) columns.push(["queue", queue]);
  if (hasCapacity) columns.push(["capacity", capacity]);
  if (node.refs.externalDemand !== undefined) {
    columns.push(["externalDemand", raw(s.externalDemand)]);
  }
  columns.push(["utilization", utilization]);
  if (hasQueue) columns.push(["latencyMinutes", latency]);
  columns.push(["throughputRatio", (i) => throughputRatioOf(served(i), arrivals(i))]);

  w.ascii('    {\n      "id": ');
  w.text(JSON.stringify(node.id));
  w.ascii(',\n      "kind": ');
  w.text(JSON.stringify(node.kind));
  w.ascii(',\n      "series": {\n');
  for (const [key, column] of columns) {
    w.ascii(`        "${key}": [`);
    for (let i = startBin; i <= endBin; i++) {
      if (i > startBin) w.ascii(", ");
      w.value(column(i));
      if (w.pos >= how.flushAt) yield w.take(how.copy);
    }
    w.ascii("],\n");
  }
  w.ascii('        "color": [');
  const byQueue = usesQueueColor(node.kind);
  for (let i = startBin; i <= endBin; i++) {
    if (i > startBin) w.ascii(", ");
    w.ascii(
      COLOR_TEXT[
        byQueue
          ? queueColor(hasQueue ? latency(i) : undefined, node.slaMin)
          : serviceColor(utilization(i))
      ],
    );
    if (w.pos >= how.flushAt) yield w.take(how.copy);
  }
  w.ascii(']\n      },\n      "telemetry": ');
  w.text(
    responseJsonFragment(nodeTelemetry(run, node, startBin, endBin, how.telemetry), "      "),
  );
  w.ascii("\n    }");
  if (w.pos >= how.flushAt) yield w.take(how.copy);
}

const metadataTexts = new WeakMap<StateRun, string>();

// The envelope is the same for every query of a run: written once.
function metadataText(run: StateRun): string {
  let text = metadataTexts.get(run);
  if (text === undefined) {
    text = responseJsonFragment(run.metadata, "  ");
    metadataTexts.set(run, text);
  }
  return text;
}

function nodeTelemetry(
  run: StateRun,
  node: StateNode,
  startBin: number,
  endBin: number,
  telemetry: boolean,
): NodeTelemetry {
  return {
    sources: node.sources,
    warnings: [
      ...clipWarnings(node.warnings, startBin, endBin),
      ...(telemetry ? telemetryGapWarnings(run, node, startBin, endBin) : []),
    ],
  };
}

function runWarnings(
  run: StateRun,
  startBin: number,
  endBin: number,
  telemetry: boolean,
): StateWarning[] {
  return [
    ...clipWarnings(run.warnings, startBin, endBin),
    ...(telemetry ? telemetryMissingWarnings(run) : []),
    ...clipWarnings(run.captureWarnings, startBin, endBin),
  ];
}
