// Headless Chromium for the viewer's browser tests and benchmark: Debian's `chromium` started as a
// child process with a throwaway profile under .tmp, driven over CDP by puppeteer-core.
import { join } from "node:path";
import type { Browser, ConsoleMessage, Page } from "../_dev_deps.ts";
import { ROOT } from "../_helpers.ts";

/** The Chromium binary (Debian's `chromium` package). */
export const CHROMIUM = "chromium";

/** Flags for a quiet, offline-friendly headless Chromium on a closed network. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--remote-debugging-port=0",
];

/** A running headless Chromium. */
export interface HeadlessChromium {
  /** The puppeteer connection. */
  browser: Browser;
  /** Close the browser, end the process and remove its profile folder. */
  close(): Promise<void>;
}

/**
 * Why browser tests cannot run here, if they cannot: Chromium or puppeteer-core is missing.
 * @returns a message naming what to install, or undefined when both are there
 */
export async function browserUnavailable(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(CHROMIUM, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    if (!out.success) return `'${CHROMIUM} --version' failed; reinstall Debian's chromium package`;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return `no '${CHROMIUM}' on PATH; install it with: apt-get install -y chromium`;
    }
    throw err;
  }
  try {
    await import("npm:puppeteer-core@25.16.0");
  } catch (err) {
    return `puppeteer-core cannot be loaded (${
      err instanceof Error ? err.message : err
    }); run 'deno install'`;
  }
  return undefined;
}

/**
 * Start headless Chromium with a fresh profile under `.tmp` and connect puppeteer to it.
 * @returns the browser; call `close()` in a `finally`
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  const { default: puppeteer } = await import("npm:puppeteer-core@25.16.0");
  await Deno.mkdir(join(ROOT, ".tmp"), { recursive: true });
  const profile = await Deno.makeTempDir({ dir: join(ROOT, ".tmp"), prefix: "chromium-" });
  // In a session of its own (setsid), so that stopping it stops its helper processes too: one
  // left behind writes into the profile after it was removed.
  const child = new Deno.Command("setsid", {
    args: [CHROMIUM, ...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await removeProfile(profile);
  };
  try {
    const endpoint = await devtoolsEndpoint(child.stderr);
    const browser = await puppeteer.connect({ browserWSEndpoint: endpoint, defaultViewport: null });
    return {
      browser,
      async close() {
        await browser.close().catch(() => {});
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Remove a profile folder. Chromium's helper processes may still write into it for a moment after
 * the browser process ended, so removal is retried for up to 10 s.
 */
async function removeProfile(profile: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(profile, { recursive: true });
      return;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Read Chromium's stderr until it prints its DevTools address (60 s at most), then drain it. */
async function devtoolsEndpoint(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => reader.cancel("timeout"), 60_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        (async () => {
          while (!(await reader.read().catch(() => ({ done: true }))).done) {
            // keep the pipe drained so Chromium never blocks on a full stderr
          }
        })();
        return m[1];
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`chromium did not start:\n${text.slice(-2000)}`);
}

/** What went wrong in a page: console errors, uncaught exceptions, failed requests. */
export interface PageProblems {
  /** One line per problem. */
  list: string[];
  /** Problems whose text matches are expected (e.g. a deliberate 404). */
  allow(pattern: RegExp): void;
}

/**
 * Watch a page for console errors, uncaught exceptions, failed requests and 4xx/5xx answers.
 * @param page the page
 * @returns the problems seen so far (a live list)
 */
export function watchProblems(page: Page): PageProblems {
  const allowed: RegExp[] = [];
  const list: string[] = [];
  const add = (line: string) => {
    if (!allowed.some((re) => re.test(line))) list.push(line);
  };
  page.on("console", (msg: ConsoleMessage) => {
    if (msg.type() === "error") add(`console error: ${msg.text()} (${msg.location().url ?? ""})`);
  });
  page.on("pageerror", (err) => add(`uncaught: ${err instanceof Error ? err.message : err}`));
  page.on("requestfailed", (req) => {
    const reason = req.failure()?.errorText ?? "";
    // Requests the page aborts on purpose (leaving a run while its windows load) are not failures.
    if (reason !== "net::ERR_ABORTED") add(`request failed: ${req.url()} ${reason}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) add(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { list, allow: (re) => allowed.push(re) };
}
