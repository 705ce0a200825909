// The viewer's place in the address bar: `?run=<id>&bin=<n>&node=<id>&compare=<id>`, read on load
// and on back/forward, and written as the user moves (bin moves replace, run changes push).
// @ts-check
/// <reference lib="dom" />

/** @typedef {{run?: string, bin?: number, node?: string, compare?: string}} ViewerPlace */

/**
 * Read the place from a URL.
 * @param {string} href the page URL
 * @returns {ViewerPlace} the place (absent or malformed parts left out)
 */
export function readPlace(href) {
  const q = new URL(href).searchParams;
  /** @type {ViewerPlace} */
  const place = {};
  const run = q.get("run");
  if (run) place.run = run;
  const bin = q.get("bin");
  if (bin !== null && /^\d{1,9}$/.test(bin)) place.bin = Number(bin);
  const node = q.get("node");
  if (node) place.node = node;
  const compare = q.get("compare");
  if (compare) place.compare = compare;
  return place;
}

/**
 * The page URL of a place.
 * @param {ViewerPlace} place the place
 * @returns {string} a path with query, e.g. `/?run=r1&bin=5`
 */
export function placeUrl(place) {
  const q = new URLSearchParams();
  if (place.run) q.set("run", place.run);
  if (place.run && place.bin !== undefined) q.set("bin", String(place.bin));
  if (place.run && place.node) q.set("node", place.node);
  if (place.run && place.compare) q.set("compare", place.compare);
  const text = q.toString();
  return text ? `/?${text}` : "/";
}

/**
 * Writes places to the history: run, node and compare changes make a new entry; bin moves replace
 * the current one, at most every 200 ms while playing (browsers throttle faster history updates).
 */
export class PlaceWriter {
  constructor() {
    /** @type {string} */
    this.last = location.pathname + location.search;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {string | undefined} */
    this.pending = undefined;
  }

  /**
   * Record a place.
   * @param {ViewerPlace} place where the viewer is
   * @param {"push" | "replace"} how a new history entry, or replace the current one
   */
  write(place, how) {
    const url = placeUrl(place);
    if (how === "push") {
      this.#flushPending();
      if (url !== this.last) history.pushState(null, "", url);
      this.last = url;
      return;
    }
    this.pending = url;
    this.timer ??= setTimeout(() => this.#flushPending(), 200);
  }

  #flushPending() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending !== undefined && this.pending !== this.last) {
      history.replaceState(null, "", this.pending);
      this.last = this.pending;
    }
    this.pending = undefined;
  }

  /** Forget pending writes (after back/forward moved the page elsewhere). */
  reset() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.last = location.pathname + location.search;
  }
}
