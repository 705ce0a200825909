// The one way long synchronous work (evaluating, encoding, reading many series) lets the event
// loop run: a timer. Measured in Deno 2.9 on a server answering requests while a loop yields
// every 50 ms: through setTimeout(0) each answer took 14-36 ms; through node's setImmediate or a
// MessageChannel message the first answer waited 3.07 s, until the loop ended (neither gives the
// IO poll a turn). A timer costs about 2.2 ms a turn, so callers take one every 20-50 ms.

/** How often long work gives the event loop a turn, unless it says otherwise. */
export const TURN_EVERY_MS = 50;

/**
 * Wait for the event loop's next timer turn, during which IO (requests, signals, finished
 * reads and writes) is handled.
 * @returns a promise that settles on that turn
 */
export function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Turns for a loop of many small steps: `await turns.maybe()` after each step gives the event
 * loop a turn once `everyMs` have passed since the last one, and costs nothing otherwise.
 */
export class EventLoopTurns {
  readonly #everyMs: number;
  #last = performance.now();

  /**
   * Start counting from now.
   * @param everyMs time between turns
   */
  constructor(everyMs = TURN_EVERY_MS) {
    this.#everyMs = everyMs;
  }

  /**
   * A turn when one is due.
   * @returns a promise that settles on the turn, or undefined when none is due
   */
  maybe(): Promise<void> | undefined {
    if (performance.now() - this.#last <= this.#everyMs) return undefined;
    return eventLoopTurn().then(() => {
      this.#last = performance.now();
    });
  }
}
