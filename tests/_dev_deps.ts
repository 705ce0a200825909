// Packages only the tests use, by full npm specifier. They are not in deno.json's imports:
// Deno resolves every npm package listed there for any task with a lockfile, so the demo would
// download the test packages (and their 60-odd dependencies) too.
export { default as fc } from "npm:fast-check@3.23.2";
export type { Browser, ConsoleMessage, Page } from "npm:puppeteer-core@25.16.0";
