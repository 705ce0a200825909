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

/**
 * Parse one bin index given as text.
 * @param text the value as given (undefined when absent)
 * @param bins number of bins of the run
 * @param name the parameter or flag name, for messages (e.g. `binIndex`, `--bin`)
 * @returns the bin index
 * @throws FlowTimeError `bin_invalid` when absent or not a whole number, `bin_out_of_range`
 *   when outside `0..bins-1`
 */
export function parseBinIndex(text: string | undefined, bins: number, name: string): number {
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
 * @param startText start bin as given
 * @param endText end bin as given
 * @param bins number of bins of the run
 * @param names parameter names for messages (default `startBin`, `endBin`)
 * @returns the window query
 * @throws FlowTimeError `bin_invalid`/`bin_out_of_range` for either bin, `window_invalid` when
 *   the end is before the start, `window_too_large` when wider than {@link MAX_WINDOW_BINS}
 */
export function parseWindow(
  startText: string | undefined,
  endText: string | undefined,
  bins: number,
  names: [string, string] = ["startBin", "endBin"],
): StateQuery & { kind: "window" } {
  const startBin = parseBinIndex(startText, bins, names[0]);
  const endBin = parseBinIndex(endText, bins, names[1]);
  if (endBin < startBin) {
    throw new FlowTimeError(
      "window_invalid",
      `${names[1]} ${endBin} is before ${names[0]} ${startBin}: the window is inclusive, give ${
        names[1]
      } >= ${names[0]}`,
    );
  }
  const width = endBin - startBin + 1;
  if (width > MAX_WINDOW_BINS) {
    throw new FlowTimeError(
      "window_too_large",
      `the window ${startBin}..${endBin} has ${width} bins; at most ${MAX_WINDOW_BINS} per query (ask for several windows)`,
    );
  }
  return { kind: "window", startBin, endBin };
}

/**
 * Parse a window written `<start>:<end>` (inclusive).
 * @param spec the text
 * @param bins number of bins of the run
 * @returns the window query
 * @throws FlowTimeError `usage` when not of the form `a:b`, else as {@link parseWindow}
 */
export function parseWindowSpec(spec: string, bins: number): StateQuery & { kind: "window" } {
  const parts = spec.split(":");
  if (parts.length !== 2) {
    throw new FlowTimeError(
      "usage",
      `a window is written <startBin>:<endBin> (inclusive, e.g. 0:11), got '${
        printable(shorten(spec))
      }'`,
    );
  }
  return parseWindow(parts[0], parts[1], bins, ["window start", "window end"]);
}
