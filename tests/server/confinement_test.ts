// Path confinement over HTTP, in-process: every traversal and injection vector sent to every
// route that takes an id or a path is refused with a 4xx JSON error, no canary outside the data
// and templates folders is read, and nothing is written anywhere.
import assert from "node:assert/strict";
import { createApp } from "../../server/app.ts";
import { keepUntilUnload } from "../_helpers.ts";
import {
  buildConfinementLayout,
  idRoutes,
  INSIDE_RUN,
  layoutListing,
  leaksCanary,
  traversalVectors,
} from "./_confinement.ts";

const layout = await buildConfinementLayout();
keepUntilUnload(layout);

Deno.test("every traversal vector on every id route is refused with 4xx; no canary is read, nothing is written", async () => {
  const app = createApp({
    dataDir: layout.dataDir,
    templatesDir: layout.templatesDir,
    logger: false,
  });
  const before = await layoutListing(layout);
  const vectors = traversalVectors(layout);
  const routes = idRoutes();
  assert.ok(vectors.length >= 20);
  const failures: string[] = [];
  for (const route of routes) {
    for (const vector of vectors) {
      const res = await app.request(route.target(vector.segment), {
        method: route.method,
        ...(route.body
          ? { body: route.body(vector.value), headers: { "content-type": "application/json" } }
          : {}),
      });
      const text = await res.text();
      const what = `${route.label} with ${vector.name}: ${res.status} ${text.slice(0, 200)}`;
      if (res.status < 400 || res.status >= 500) failures.push(what);
      else if (leaksCanary(text)) failures.push(`canary read: ${what}`);
      else if (res.headers.has("x-injected")) failures.push(`header injected: ${what}`);
      else {
        const body = JSON.parse(text);
        if (typeof body.error !== "string" || typeof body.code !== "string") failures.push(what);
        // The answer may echo the client's own text, never the server's folders.
        if (text.includes(layout.dataDir) || text.includes(layout.templatesDir)) {
          failures.push(`server path in the answer: ${what}`);
        }
      }
    }
  }
  assert.deepEqual(
    failures,
    [],
    `${failures.length} of ${routes.length * vectors.length} refused wrongly`,
  );
  assert.deepEqual(await layoutListing(layout), before, "nothing was written anywhere");
});

Deno.test("the same routes answer 2xx for the run and template inside (the vectors fail for their path alone)", async () => {
  const app = createApp({
    dataDir: layout.dataDir,
    templatesDir: layout.templatesDir,
    logger: false,
  });
  for (const route of idRoutes()) {
    const isTemplate = route.label.includes("templates");
    const id = route.inside ??
      (isTemplate
        ? "order-system"
        : route.label.includes("{seriesId}")
        ? "order_arrivals"
        : INSIDE_RUN);
    const body = route.method === "GET"
      ? undefined
      : route.label.includes("{gaps: node}")
      ? JSON.stringify({
        runId: INSIDE_RUN,
        dryRun: true,
        gaps: { rules: [{ node: "OrderService", metric: "arrivals", bins: [0], action: "drop" }] },
      })
      : route.label.includes("{runId}")
      ? JSON.stringify({ runId: INSIDE_RUN, dryRun: true })
      : route.body?.(id);
    const res = await app.request(route.target(id), {
      method: route.method,
      ...(body ? { body, headers: { "content-type": "application/json" } } : {}),
    });
    const text = await res.text();
    assert.ok(res.status >= 200 && res.status < 300, `${route.label}: ${res.status} ${text}`);
  }
});
