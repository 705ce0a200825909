// The golden sets: checked-in outputs under fixtures/ that `deno task golden` regenerates and
// tests/golden_test.ts compares byte for byte. Each area registers its set here.
import { runGoldens } from "./runs.ts";
import { stateGoldens } from "./state.ts";
import { captureGoldens } from "./captures.ts";
import { loopGoldens } from "./loop.ts";

/** A set of checked-in outputs and how to produce them. */
export interface GoldenSet {
  /** Short name, used in test names. */
  name: string;
  /** Folder under fixtures/ holding the set. */
  dir: string;
  /** Write the set into `outDir` (an empty folder). */
  generate(outDir: string): Promise<void>;
}

/** All golden sets, in the order they are generated. */
export const GOLDEN_SETS: readonly GoldenSet[] = [
  runGoldens,
  stateGoldens,
  captureGoldens,
  loopGoldens,
];
