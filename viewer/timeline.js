// The timeline: a bin slider over the whole grid (drag, arrow keys, Home/End), step buttons,
// play/pause at 1x/2x/4x/8x, and an overview strip of how many nodes are in each status per bin.
// @ts-check
/// <reference lib="dom" />
import { binSpan, h, statusOf } from "./format.js";

/** @typedef {import("./run_data.js").RunData} RunData */

/** Bins per second at 1x. */
export const BINS_PER_SECOND = 4;
/** Playback speeds offered. */
export const SPEEDS = [1, 2, 4, 8];
/** Statuses from the bottom of an overview column up. */
const STACK = /** @type {const} */ (["red", "yellow", "green", "gray"]);

/** The timeline controls of the run view. */
export class Timeline {
  /**
   * @param {{slider: HTMLInputElement, label: HTMLOutputElement, play: HTMLButtonElement,
   *   start: HTMLButtonElement, back: HTMLButtonElement, forward: HTMLButtonElement,
   *   end: HTMLButtonElement, speeds: HTMLElement, overview: HTMLCanvasElement}} els elements
   * @param {{bin: (bin: number) => void, playing?: (playing: boolean) => void}} on called when
   *   the user moves to a bin, and when playback starts or stops
   */
  constructor(els, on) {
    this.els = els;
    this.on = on;
    this.bin = 0;
    this.bins = 1;
    this.speed = 1;
    this.playing = false;
    /** @type {RunData | undefined} */
    this.run = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.nextAt = 0;
    /** Resolves to the next bin's readiness while playing; set by the app. */
    this.ready = (/** @type {number} */ _bin) => Promise.resolve();

    els.slider.addEventListener("input", () => this.#move(Number(els.slider.value)));
    els.play.addEventListener("click", () => this.toggle());
    els.start.addEventListener("click", () => this.#move(0));
    els.end.addEventListener("click", () => this.#move(this.bins - 1));
    els.back.addEventListener("click", () => this.step(-1));
    els.forward.addEventListener("click", () => this.step(1));
    els.speeds.replaceChildren(...SPEEDS.map((s) => {
      const input = h("input", {
        type: "radio",
        name: "speed",
        value: String(s),
        id: `speed-${s}`,
        checked: s === this.speed,
      });
      input.addEventListener("change", () => this.setSpeed(s));
      const title = `${s * BINS_PER_SECOND} bins per second (key ${s})`;
      return h("span", { class: "speed" }, [
        input,
        h("label", { for: input.id, title }, [`${s}x`]),
      ]);
    }));
    /** The strip's size, kept by a ResizeObserver so drawing never forces a layout. */
    this.stripSize = { width: 0, height: 0 };
    new ResizeObserver(([entry]) => {
      this.stripSize = { width: entry.contentRect.width, height: entry.contentRect.height };
      this.drawOverview();
    }).observe(els.overview);
  }

  /**
   * Attach a run: the slider spans its grid.
   * @param {RunData} run the run
   * @param {number} bin the bin shown
   */
  attach(run, bin) {
    this.pause();
    this.run = run;
    this.bins = run.bins;
    this.els.slider.max = String(run.bins - 1);
    this.setBin(bin);
    this.drawOverview();
  }

  /**
   * Show a bin (called by the app; does not call back).
   * @param {number} bin the bin
   */
  setBin(bin) {
    this.bin = bin;
    this.els.slider.value = String(bin);
    const run = this.run;
    const span = run ? binSpan(run.times[bin], run.binMinutes) : "";
    this.els.label.textContent = `Bin ${bin} of ${this.bins - 1}${span ? ` · ${span}` : ""}`;
    this.els.slider.setAttribute("aria-valuetext", `bin ${bin}${span ? `, ${span}` : ""}`);
  }

  /**
   * Move by some bins (clamped to the grid).
   * @param {number} by bins to move, negative for back
   */
  step(by) {
    this.#move(Math.min(this.bins - 1, Math.max(0, this.bin + by)));
  }

  /** @param {number} bin */
  #move(bin) {
    if (bin === this.bin && Number(this.els.slider.value) === bin) return;
    this.on.bin(bin);
  }

  /** Play from the current bin, or pause. */
  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Start playing (from the first bin when at the last). */
  play() {
    if (this.playing) return;
    if (this.bin >= this.bins - 1) this.on.bin(0);
    this.playing = true;
    this.#showPlaying();
    this.nextAt = performance.now();
    this.#schedule();
  }

  /** Stop playing. */
  pause() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.playing) return;
    this.playing = false;
    this.#showPlaying();
  }

  /**
   * Set the playback speed.
   * @param {number} speed one of {@link SPEEDS}
   */
  setSpeed(speed) {
    if (!SPEEDS.includes(speed)) return;
    this.speed = speed;
    const input =
      /** @type {HTMLInputElement | null} */ (this.els.speeds.querySelector(`#speed-${speed}`));
    if (input) input.checked = true;
    if (this.playing) {
      clearTimeout(this.timer);
      this.nextAt = performance.now();
      this.#schedule();
    }
  }

  #schedule() {
    const interval = 1000 / (BINS_PER_SECOND * this.speed);
    this.nextAt += interval;
    const now = performance.now();
    if (this.nextAt < now - interval) this.nextAt = now;
    this.timer = setTimeout(() => this.#tick(), Math.max(0, this.nextAt - now));
  }

  async #tick() {
    if (!this.playing) return;
    const next = this.bin + 1;
    if (next >= this.bins) {
      this.pause();
      return;
    }
    await this.ready(next);
    if (!this.playing) return;
    this.on.bin(next);
    if (this.bin >= this.bins - 1) this.pause();
    else this.#schedule();
  }

  #showPlaying() {
    const { play } = this.els;
    play.dataset.playing = String(this.playing);
    play.setAttribute("aria-label", this.playing ? "Pause" : "Play");
    play.title = this.playing ? "Pause (Space)" : "Play (Space)";
    this.on.playing?.(this.playing);
  }

  /** Redraw the overview strip: per bin, the share of nodes in each status; unloaded bins grey. */
  drawOverview() {
    const canvas = this.els.overview;
    const run = this.run;
    const ratio = devicePixelRatio || 1;
    const { width, height } = this.stripSize;
    if (!run || width === 0) return;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    // The slider's thumb centre travels from half a thumb in from each end.
    const inset = 8;
    const span = Math.max(1, width - inset * 2);
    const per = span / run.bins;
    const nodes = [...run.nodes.values()];
    const share = height / Math.max(1, nodes.length);
    for (let b = 0; b < run.bins; b++) {
      const x = inset + b * per;
      const w = Math.max(per, 1) + 0.5;
      if (!run.has(b)) {
        ctx.fillStyle = "#e4e7eb";
        ctx.fillRect(x, 0, w, height);
        continue;
      }
      // A stacked column: the share of nodes in each status, worst at the bottom.
      const counts = { red: 0, yellow: 0, green: 0, gray: 0 };
      for (const n of nodes) counts[/** @type {keyof counts} */ (n.colors[b])] += 1;
      let y = height;
      for (const color of STACK) {
        if (counts[color] === 0) continue;
        ctx.fillStyle = statusOf(color).fill;
        ctx.fillRect(x, y - counts[color] * share, w, counts[color] * share);
        y -= counts[color] * share;
      }
    }
  }
}
