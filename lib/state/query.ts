// Parsing the bins of a state query (HTTP query parameters and CLI flags) strictly: whole
// decimal numbers only, checked against the run's grid, with the valid range in every message.
import { FlowTimeError } from "../base/errors.ts";
import { printable } from "../base/paths.ts";
import type { StateQuery } from "./types.ts";

/** Widest window a `/state_window` query may ask for, in bins. */
export const MAX_WINDOW_BINS = 1000;

const WHOLE = /^-?\d+$/;

function rangeText(bins: number): string {
  return `from 0 to ${bins - 1} (the run has ${bins} bin${bins === 1 ? "" : "s"})`;
}

/** How a bin index given as text is checked. */
export interface BinTextOptions {
  /** Number of bins of the run. */
  bins: number;
  /** The parameter or flag name, for messages.
   * @default "binIndex"
   */
  name?: string;
}

/** How a window given as text is checked. */
export interface WindowTextOptions {
  /** Number of bins of the run. */
  bins: number;
  /** Names of the start and end parameters, for messages.
   * @default ["startBin", "endBin"]
   */
  names?: [string, string];
  /** Widest window allowed, in bins.
   * @default MAX_WINDOW_BINS
   */
  maxBins?: number;
}

/**
 * Parse one bin index given as text.
 * @param text the value as given (undefined when absent)
 * @param options the run's bin count and the parameter name used in messages
 * @returns the bin index
 * @throws FlowTimeError `bin_invalid` when absent or not a whole number, `bin_out_of_range`
 *   when outside `0..bins-1`
 */
export function parseBinIndex(text: string | undefined, options: BinTextOptions): number {
  const { bins, name = "binIndex" } = options;
  if (text === undefined || text === "") {
    throw new FlowTimeError("bin_invalid", `${name} is required: give a bin ${rangeText(bins)}`);
  }
  if (!WHOLE.test(text)) {
    throw new FlowTimeError(
      "bin_invalid",
      `${name} must be a whole number ${rangeText(bins)}, got '${printable(shorten(text))}'`,
    );
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || value >= bins) {
    throw new FlowTimeError(
      "bin_out_of_range",
      `${name} ${shorten(text)} is out of range: give a bin ${rangeText(bins)}`,
    );
  }
  // "-0" is bin 0, never the number -0
  return value === 0 ? 0 : value;
}

// Echo at most 30 characters of a value: a huge query value must not make a huge error.
function shorten(text: string): string {
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}

/**
 * Parse and check an inclusive window.
 * @param range start and end bins as given (undefined when absent)
 * @param options the run's bin count, the window limit and parameter names for messages
 * @returns the window query
 * @throws FlowTimeError `bin_invalid`/`bin_out_of_range` for either bin, `window_invalid` when
 *   the end is before the start, `window_too_large` when wider than the limit
 */
export function parseWindow(
  range: { startBin?: string; endBin?: string },
  options: WindowTextOptions,
): StateQuery & { kind: "window" } {
  const { bins, names = ["startBin", "endBin"], maxBins = MAX_WINDOW_BINS } = options;
  const startBin = parseBinIndex(range.startBin, { bins, name: names[0] });
  const endBin = parseBinIndex(range.endBin, { bins, name: names[1] });
  if (endBin < startBin) {
    throw new FlowTimeError(
      "window_invalid",
      `${names[1]} ${endBin} is before ${names[0]} ${startBin}: the window is inclusive, give ${
        names[1]
      } >= ${names[0]}`,
    );
  }
  const width = endBin - startBin + 1;
  if (width > maxBins) {
    throw new FlowTimeError(
      "window_too_large",
      `the window ${startBin}..${endBin} has ${width} bins; at most ${maxBins} per query (ask for several windows)`,
    );
  }
  return { kind: "window", startBin, endBin };
}

/**
 * Parse a window written `<start>:<end>` (inclusive).
 * @param spec the text
 * @param options the run's bin count and the window limit
 * @returns the window query
 * @throws FlowTimeError `usage` when not of the form `a:b`, else as {@link parseWindow}
 */
export function parseWindowSpec(
  spec: string,
  options: Omit<WindowTextOptions, "names">,
): StateQuery & { kind: "window" } {
  const parts = spec.split(":");
  if (parts.length !== 2) {
    throw new FlowTimeError(
      "usage",
      `a window is written <startBin>:<endBin> (inclusive, e.g. 0:11), got '${
        printable(shorten(spec))
      }'`,
    );
  }
  return parseWindow({ startBin: parts[0], endBin: parts[1] }, {
    ...options,
    names: ["window start", "window end"],
  });
}
