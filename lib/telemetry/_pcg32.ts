// PCG32 (XSH RR, 64-bit state, O'Neill 2014): the small documented generator behind seeded gap
// rules, so a random gap choice is reproducible on every platform from its seed alone.
import { createHash } from "node:crypto";

const MASK64 = (1n << 64n) - 1n;
const MULTIPLIER = 6364136223846793005n;

/** A PCG32 stream. Only what the gap injector needs: 32-bit outputs and unbiased bounded draws. */
export class Pcg32 {
  #state = 0n;
  readonly #inc: bigint;

  /**
   * Seed a stream the way the reference `pcg32_srandom_r(initstate, initseq)` does.
   * @param initState 64-bit starting state
   * @param initSeq 64-bit stream selector
   */
  constructor(initState: bigint, initSeq: bigint) {
    this.#inc = ((initSeq << 1n) | 1n) & MASK64;
    this.#step();
    this.#state = (this.#state + (initState & MASK64)) & MASK64;
    this.#step();
  }

  /**
   * Next 32-bit output.
   * @returns an unsigned integer in [0, 2^32)
   */
  nextU32(): number {
    const old = this.#state;
    this.#step();
    const xorShifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rot = Number(old >> 59n);
    return ((xorShifted >>> rot) | (xorShifted << ((-rot) & 31))) >>> 0;
  }

  /**
   * A uniform integer below `bound` without modulo bias (rejection as in the reference code).
   * @param bound exclusive upper limit, 1..2^32
   * @returns an integer in [0, bound)
   */
  below(bound: number): number {
    const threshold = (0x100000000 - bound) % bound;
    for (;;) {
      const r = this.nextU32();
      if (r >= threshold) return r % bound;
    }
  }

  #step(): void {
    this.#state = (this.#state * MULTIPLIER + this.#inc) & MASK64;
  }
}

/**
 * A stream derived from text: the first 8 bytes of sha256(text) seed the state, the next 8
 * select the stream. Different texts give independent streams.
 * @param text e.g. `gaps:42:OrderService:arrivals`
 * @returns the generator
 */
export function pcg32FromText(text: string): Pcg32 {
  const digest = createHash("sha256").update(text).digest();
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return new Pcg32(view.getBigUint64(0), view.getBigUint64(8));
}
