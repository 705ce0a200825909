// The one way long synchronous work (evaluating, encoding, reading many series) lets the event
// loop run: a timer. Measured in Deno 2.9 on a server answering requests while a loop yields
// every 50 ms: through setTimeout(0) each answer took 14-36 ms; through node's setImmediate or a
// MessageChannel message the first answer waited 3.07 s, until the loop ended (neither gives the
// IO poll a turn). A timer costs about 2.2 ms a turn, so callers take one every 20-50 ms.

/**
 * Wait for the event loop's next timer turn, during which IO (requests, signals, finished
 * reads and writes) is handled.
 * @returns a promise that settles on that turn
 */
export function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
