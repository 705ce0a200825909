// End to end in headless Chromium: the real server (with the `serve` task's permissions) on
// 127.0.0.1 and the demo's runs; deep links, keyboard scrubbing, playback, charts, compare and the
// runs list, each checked against /state, with no console error or failed request allowed.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "../_dev_deps.ts";
import { ROOT } from "../_helpers.ts";
import { type ServerProcess, spawnServer } from "../_server_process.ts";
import {
  browserUnavailable,
  type HeadlessChromium,
  launchChromium,
  watchProblems,
} from "./_chromium.ts";
import { demoRuns, longRun } from "./_runs.ts";

/** Screenshots for people to look at, kept only when FLOWTIME_TEST_VERBOSE is set; otherwise
 * taken into the test's data folder and removed with it, so the suite leaves .tmp as it was. */
const KEPT_SHOTS = join(ROOT, ".tmp", "viewer-screenshots");
const KEEP_SHOTS = Boolean(Deno.env.get("FLOWTIME_TEST_VERBOSE"));
const WAIT = { timeout: 60_000 };
const unavailable = await browserUnavailable();
if (unavailable) console.warn(`viewer browser tests skipped: ${unavailable}`);

interface SnapshotNode {
  id: string;
  metrics: Record<string, number | null>;
  derived: Record<string, number | string | null>;
}

Deno.test({
  name: "viewer in Chromium: deep links, scrubbing, playback, charts, compare and the runs list",
  ignore: unavailable !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const { dataDir, runs } = await demoRuns();
    let server: ServerProcess | undefined;
    let chromium: HeadlessChromium | undefined;
    try {
      // The serve task's permissions, pointed at the test's data folder.
      server = await spawnServer({
        flags: [
          `--allow-read=${dataDir},${join(ROOT, "templates")}`,
          `--allow-write=${dataDir}`,
          "--allow-net=127.0.0.1",
          "--allow-env=FLOWTIME_DATA_DIR,FLOWTIME_TEMPLATES_DIR,SOURCE_DATE_EPOCH,NO_COLOR,LOG_TOKENS,LOG_STREAM",
        ],
        entry: ["server.ts"],
        env: { FLOWTIME_DATA_DIR: dataDir, FLOWTIME_TEMPLATES_DIR: join(ROOT, "templates") },
      });
      const base = server.base;
      chromium = await launchChromium();
      const page = await chromium.browser.newPage();
      await page.setViewport({ width: 1366, height: 768 });
      page.setDefaultTimeout(60_000);
      const problems = watchProblems(page);
      const stateRequests: string[] = [];
      page.on("request", (req) => {
        if (/\/state(_window)?\?/.test(req.url())) stateRequests.push(req.url());
      });
      const shots = KEEP_SHOTS ? KEPT_SHOTS : join(dataDir, ".screenshots");
      await Deno.mkdir(shots, { recursive: true });
      const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) });
      const state = async (runId: string, bin: number) =>
        (await (await fetch(`${base}/v1/runs/${runId}/state?binIndex=${bin}`)).json()) as {
          nodes: SnapshotNode[];
        };
      const ms = runs["microservices"];

      await t.step("a deep link draws every topology node with its /state colour", async () => {
        const cases: Array<[string, number]> = [
          [ms.replay, 10],
          [runs["order-system"].replay, 144],
          [runs["http-service"].replay, 48],
          [runs["order-system"].simulation, 287],
        ];
        for (const [runId, bin] of cases) {
          await page.goto(`${base}/?run=${runId}&bin=${bin}`, { waitUntil: "load" });
          await shownBin(page, bin);
          await assertColours(page, await state(runId, bin), `${runId} bin ${bin}`);
        }
        await page.goto(`${base}/?run=${ms.replay}&bin=10`, { waitUntil: "load" });
        await shownBin(page, 10);
        const cards = await page.$$eval("[data-node-id]", (els) =>
          els.map((e) => ({
            word: e.querySelector(".status-word")?.textContent,
            color: e.getAttribute("data-color"),
            shape: e.querySelector(".shape")?.getAttribute("d"),
            text: e.textContent,
            focusable: e.getAttribute("tabindex"),
          })));
        assert.equal(cards.length, 6);
        const words: Record<string, string> = {
          green: "OK",
          yellow: "Warn",
          red: "Alert",
          gray: "n/a",
        };
        for (const card of cards) {
          assert.equal(card.word, words[card.color ?? ""], "each colour has its word");
          assert.ok(card.shape, "each colour has its shape");
          assert.match(card.text ?? "", /arrivals .* · served /);
          assert.equal(card.focusable, "0");
        }
        await shot("topology");
      });

      await t.step("arrow keys, Home and End move the bin without fetching again", async () => {
        const before = stateRequests.length;
        await page.focus("#bin-slider");
        for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
        await shownBin(page, 13);
        await assertColours(page, await state(ms.replay, 13), "after 3 x ArrowRight");
        await page.waitForFunction(`location.search.includes("bin=13")`, WAIT);
        await page.keyboard.press("End");
        await shownBin(page, ms.bins - 1);
        await assertColours(page, await state(ms.replay, ms.bins - 1), "after End");
        await page.keyboard.press("Home");
        await shownBin(page, 0);
        await assertColours(page, await state(ms.replay, 0), "after Home");
        // The same keys work with the focus on the page rather than the slider.
        await page.click(".topology", { offset: { x: 8, y: 8 } });
        await page.keyboard.press("ArrowRight");
        await page.keyboard.press("ArrowRight");
        await shownBin(page, 2);
        await assertColours(page, await state(ms.replay, 2), "after ArrowRight on the page");
        assert.deepEqual(stateRequests.slice(before), [], "scrubbing fetched state again");
      });

      await t.step("play and pause at 8x", async () => {
        await page.keyboard.press("8");
        assert.ok(
          await page.$eval("#speed-8", (e) => (e as unknown as { checked: boolean }).checked),
        );
        await page.click("#play");
        await page.waitForFunction(
          `Number(document.querySelector("#topology svg").getAttribute("data-bin")) >= 8`,
          WAIT,
        );
        await page.keyboard.press("Space");
        await page.waitForSelector('#play[data-playing="false"]', WAIT);
        const paused = await renderedBin(page);
        // Ten frames later (several playback intervals at 8x) the bin has not moved.
        await page.evaluate(`new Promise((done) => {
          let frames = 0;
          const next = () => (++frames >= 10 ? done() : requestAnimationFrame(next));
          requestAnimationFrame(next);
        })`);
        assert.equal(await renderedBin(page), paused);
        assert.equal(await page.$eval("#play", (e) => e.getAttribute("aria-label")), "Play");
        await assertColours(page, await state(ms.replay, paused), `paused at ${paused}`);
        await page.keyboard.press("1");
      });

      await t.step("selecting a node shows its charts and its numbers at the bin", async () => {
        await page.goto(`${base}/?run=${ms.replay}&bin=10`, { waitUntil: "load" });
        await shownBin(page, 10);
        // Keyboard selection: the node card takes the focus, Enter selects it.
        await page.$eval(
          '[data-node-id="API_Gateway"]',
          (e) => (e as unknown as HTMLOrSVG).focus(),
        );
        await page.keyboard.press("Enter");
        await page.waitForSelector('[data-chart="flow"] canvas', WAIT);
        await page.waitForSelector('[data-chart="level"] canvas', WAIT);
        await page.waitForFunction(`location.search.includes("node=API_Gateway")`, WAIT);
        const legend = await page.$$eval(
          '[data-chart="flow"] .u-legend .u-label',
          (els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.textContent),
        );
        for (const label of ["Arrivals", "Served", "Errors", "Capacity"]) {
          assert.ok(legend.includes(label), `${label} in ${legend}`);
        }
        const snap = (await state(ms.replay, 10)).nodes.find((n) => n.id === "API_Gateway")!;
        const cell = (metric: string) =>
          page.$eval(
            `.inspector tr[data-metric="${metric}"] td[data-value="this"]`,
            (e) => e.textContent,
          );
        assert.equal(
          snap.metrics.arrivals,
          null,
          "bin 10 is a telemetry gap of API_Gateway arrivals",
        );
        assert.equal(await cell("arrivals"), "–");
        assert.equal(await cell("served"), snap.metrics.served!.toLocaleString("en-US"));
        assert.equal(await cell("capacity"), snap.metrics.capacity!.toLocaleString("en-US"));
        const codes = await page.$$eval(
          ".inspector .warnings li",
          (els) => els.map((e) => e.getAttribute("data-code")),
        );
        assert.ok(codes.includes("telemetry_gap") && codes.includes("data_gap"), codes.join(", "));
        await shot("chart");
      });

      await t.step("compare with the capture's source run shows per-node differences", async () => {
        await page.click('[data-action="compare-source"]');
        await page.waitForSelector("#run-view.comparing", WAIT);
        await page.waitForFunction(`location.search.includes("compare=")`, WAIT);
        await page.waitForSelector('.inspector [data-compare="window"]', WAIT);
        const mine = await state(ms.replay, 10);
        const theirs = await state(ms.simulation, 10);
        const deltas = await page.$$eval(
          "[data-node-id]",
          (els) =>
            Object.fromEntries(
              els.map((
                e,
              ) => [e.getAttribute("data-node-id"), e.querySelector(".delta")?.textContent]),
            ),
        );
        for (const node of mine.nodes) {
          const other = theirs.nodes.find((n) => n.id === node.id)!;
          const d = (node.metrics.served ?? NaN) - (other.metrics.served ?? NaN);
          const text = Number.isNaN(d) ? "–" : d === 0 ? "0" : `${d > 0 ? "+" : "−"}${Math.abs(d)}`;
          assert.equal(deltas[node.id], `Δ served ${text}`, node.id);
        }
        const other = theirs.nodes.find((n) => n.id === "API_Gateway")!;
        assert.equal(
          await page.$eval(
            '.inspector tr[data-metric="arrivals"] td[data-value="other"]',
            (e) => e.textContent,
          ),
          other.metrics.arrivals!.toLocaleString("en-US"),
        );
        const rows = await page.$$eval(
          '[data-compare="window"] tbody tr',
          (els) => els.map((e) => e.getAttribute("data-metric")),
        );
        assert.ok(rows.includes("served") && rows.includes("arrivals"), rows.join(", "));
        const dashed = await page.$$eval(
          '[data-chart="flow"] figcaption',
          (els) => els.map((e) => e.textContent),
        );
        assert.match(dashed[0] ?? "", /dashed: compared run/);
        await shot("compare");
      });

      await t.step(
        "a deep link with a node and a compared run restores the whole view",
        async () => {
          const link = `/?run=${ms.replay}&bin=80&node=OrderService&compare=${ms.simulation}`;
          await page.goto(`${base}${link}`, { waitUntil: "load" });
          await shownBin(page, 80);
          await page.waitForSelector("#run-view.comparing", WAIT);
          await page.waitForSelector('[data-chart="flow"] canvas', WAIT);
          await assertColours(page, await state(ms.replay, 80), "deep link at bin 80");
          assert.equal(
            await page.$eval(
              '[data-node-id="OrderService"]',
              (e) => e.getAttribute("aria-pressed"),
            ),
            "true",
          );
          assert.equal(
            await page.$eval("#compare-select", (e) => (e as unknown as { value: string }).value),
            ms.simulation,
          );
          assert.ok(page.url().endsWith(link), page.url());
          await shot("deep-link");
        },
      );

      await t.step("keyboard alone reaches every node card, and zoomed in shows it", async () => {
        await page.goto(`${base}/?run=${ms.replay}&bin=5`, { waitUntil: "load" });
        await shownBin(page, 5);
        const cards = await page.$$eval("[data-node-id]", (els) => els.length);
        // From the top of the page, Tab alone gets to the first card.
        let presses = 0;
        while (!(await page.evaluate(`!!document.activeElement?.matches(".node")`))) {
          assert.ok(++presses <= 60, "Tab never reached a node card");
          await page.keyboard.press("Tab");
        }
        for (let i = 0; i < 4; i++) await page.keyboard.press("+");
        const seen = new Set<string>();
        for (let i = 0; i < cards; i++) {
          if (i > 0) await page.keyboard.press("Tab");
          const where = await page.evaluate(`(() => {
            const card = document.activeElement;
            if (!card || !card.matches(".node")) return undefined;
            const c = card.getBoundingClientRect();
            const p = document.querySelector("#topology").getBoundingClientRect();
            return { id: card.getAttribute("data-node-id"),
              inside: c.left >= p.left && c.right <= p.right && c.top >= p.top && c.bottom <= p.bottom };
          })()`) as { id: string; inside: boolean } | undefined;
          assert.ok(where, `Tab ${i} left the node cards`);
          assert.ok(where.inside, `${where.id} is focused but outside the topology panel`);
          seen.add(where.id);
        }
        assert.equal(seen.size, cards);
        await page.keyboard.press("0");
      });

      await t.step("the runs list shows every run and filters as you type", async () => {
        await page.goto(`${base}/`, { waitUntil: "load" });
        await page.waitForSelector("#runs-table tbody tr", WAIT);
        const listed = (await (await fetch(`${base}/v1/runs`)).json()).runs as Array<
          { runId: string }
        >;
        const rows = await page.$$eval(
          "#runs-table tbody tr",
          (els) => els.map((e) => e.getAttribute("data-run-id")),
        );
        assert.deepEqual(rows, listed.map((r) => r.runId));
        const cells = await page.$$eval(
          `tr[data-run-id="${ms.replay}"] td`,
          (els) => els.map((e) => e.textContent),
        );
        assert.deepEqual(cells, [
          "telemetry",
          "microservices",
          "144 × 10 min",
          "2025-10-07 00:00:00",
          "7",
        ]);
        await page.focus("body");
        await page.keyboard.press("/");
        await page.keyboard.type("micro tele");
        await page.waitForFunction(
          `document.querySelectorAll("#runs-table tbody tr").length === 1`,
          WAIT,
        );
        await shot("runs");
        await page.click(`tr[data-run-id="${ms.replay}"] a`);
        await shownBin(page, 0);
        assert.ok(page.url().endsWith(`/?run=${ms.replay}&bin=0`), page.url());
        await page.goBack();
        await page.waitForSelector("#runs-view:not([hidden])", WAIT);
      });

      await t.step(
        "a run longer than the window limit loads in windows of at most 1000 bins",
        async () => {
          const runId = await longRun(dataDir, 2500);
          const before = stateRequests.length;
          await page.goto(`${base}/?run=${runId}&bin=1499`, { waitUntil: "load" });
          await shownBin(page, 1499);
          await assertColours(page, await state(runId, 1499), "bin 1499 (second window)");
          // The window holding the bin comes first; the others follow and are kept.
          const windows = () =>
            stateRequests.slice(before).map((u) => new URL(u).searchParams)
              .map((q) => `${q.get("startBin")}..${q.get("endBin")}`);
          await page.waitForFunction(
            `performance.getEntriesByType("resource").filter((e) => e.name.includes("/state_window")).length >= 3`,
            WAIT,
          );
          assert.deepEqual(windows().sort(), ["0..999", "1000..1999", "2000..2499"]);
          assert.equal(windows()[0], "1000..1999");
          await page.focus("#bin-slider");
          await page.keyboard.press("End");
          await shownBin(page, 2499);
          await assertColours(page, await state(runId, 2499), "bin 2499 (third window)");
          await page.keyboard.press("Home");
          await shownBin(page, 0);
          for (const bin of [1, 2]) {
            await page.keyboard.press("ArrowRight");
            await shownBin(page, bin);
          }
          await assertColours(page, await state(runId, 2), "bin 2 (first window)");
          assert.equal(windows().length, 3, `fetched again: ${windows().join(", ")}`);
        },
      );

      await t.step("a deep link to a missing run says so and shows the runs list", async () => {
        problems.allow(/no_such_run/);
        await page.goto(`${base}/?run=no_such_run&bin=3`, { waitUntil: "load" });
        await page.waitForSelector("#banner:not([hidden])", WAIT);
        const text = await page.$eval("#banner", (e) => e.textContent);
        assert.match(text ?? "", /Cannot open run no_such_run: no run 'no_such_run'/);
        await page.waitForSelector("#runs-view:not([hidden])", WAIT);
      });

      assert.deepEqual(problems.list, [], "console errors or failed requests");
    } finally {
      await chromium?.close();
      await server?.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
    assert.ok(
      !server?.lines.some((l) => l.includes('"status":500')),
      `the server answered 500:\n${server?.lines.join("\n")}`,
    );
  },
});

/** An element that can take the focus (SVG elements can, though puppeteer's focus() refuses). */
type HTMLOrSVG = { focus(): void };

/** Wait until the topology shows a bin. */
async function shownBin(page: Page, bin: number): Promise<void> {
  await page.waitForSelector(`#topology svg[data-bin="${bin}"]`, WAIT);
}

async function renderedBin(page: Page): Promise<number> {
  return Number(await page.$eval("#topology svg", (e) => e.getAttribute("data-bin")));
}

/** Assert each node's `data-color` equals its /state colour. */
async function assertColours(
  page: Page,
  snapshot: { nodes: Array<{ id: string; derived: Record<string, unknown> }> },
  what: string,
): Promise<void> {
  const drawn = await page.$$eval(
    "[data-node-id]",
    (els) =>
      Object.fromEntries(
        els.map((e) => [e.getAttribute("data-node-id"), e.getAttribute("data-color")]),
      ),
  );
  const expected = Object.fromEntries(snapshot.nodes.map((n) => [n.id, n.derived.color]));
  assert.ok(snapshot.nodes.length > 0, `${what}: /state has no nodes`);
  assert.deepEqual(drawn, expected, `${what}: drawn colours differ from /state`);
}
