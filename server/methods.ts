// HTTP method handling the router leaves out: HEAD answers carry the length of the GET body,
// and a path that exists with other methods answers 405 with `Allow` instead of 404.
import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app.ts";

/**
 * Middleware giving a HEAD answer the `Content-Length` of the body a GET would send (the router
 * answers HEAD from the GET route and drops the body, length and all).
 * @returns the middleware
 */
export function headLength(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== "HEAD" || !c.res.body || c.res.headers.has("content-length")) return;
    const size = (await c.res.clone().arrayBuffer()).byteLength;
    c.res.headers.set("content-length", String(size));
  };
}

/**
 * The methods the app's routes answer for a path (HEAD wherever GET is), from its route table.
 * @param app the app with every route added
 * @returns a lookup from path to methods, empty when no route has the path
 */
export function methodsByPath(app: Hono<AppEnv>): (path: string) => string[] {
  const routes = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, pattern: pathPattern(r.path) }));
  return (path) => {
    const methods = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) methods.add(r.method);
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

function pathPattern(path: string): RegExp {
  const body = path.split("/").map((segment) =>
    segment.startsWith(":")
      ? (/\{(.+)\}$/.exec(segment)?.[1] ?? "[^/]+")
      : segment === "*"
      ? ".*"
      : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${body}$`);
}
