// DELETE /v1/runs/{id}: the run folder, its captures only with ?captures=true, never anything
// that is not a run; POST /v1/runs of a run already there with the same content is 200 and
// says unchanged; a capture of another template is 409 with both names.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../server/app.ts";
import { readTree, ROOT, tempDir } from "../_helpers.ts";

function appOver(data: string) {
  const app = createApp({
    dataDir: data,
    templatesDir: join(ROOT, "templates"),
    logger: false,
  });
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
  return send;
}

Deno.test("POST /v1/runs twice: 201 then 200 unchanged; a capture of another template is 409 unless allowed", async () => {
  await using tmp = await tempDir("srv-rerun");
  const send = appOver(tmp.path);
  const options = { deterministicRunId: true };
  const first = await send("POST", "/v1/runs", { templateId: "microservices", options });
  assert.equal(first.status, 201);
  assert.equal(first.body.unchanged, undefined);
  const again = await send("POST", "/v1/runs", { templateId: "microservices", options });
  assert.equal(again.status, 200);
  assert.equal(again.body.unchanged, true);
  assert.equal(again.body.runId, first.body.runId);
  const capture = await send("POST", "/v1/telemetry/captures", { runId: first.body.runId });
  assert.equal(capture.status, 201);
  const before = await readTree(tmp.path);
  const telemetry = { captureDirectory: `telemetry/${first.body.runId}` };
  const wrong = await send("POST", "/v1/runs", {
    templateId: "order-system",
    mode: "telemetry",
    telemetry,
    options,
  });
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.code, "template_mismatch");
  assert.equal(
    wrong.body.error,
    `capture telemetry/${first.body.runId} was made from a run of template 'microservices', not 'order-system'; replay it through 'microservices'; send "options.allowTemplateMismatch": true to replay it through 'order-system' anyway`,
  );
  assert.deepEqual(await readTree(tmp.path), before);
  const forced = await send("POST", "/v1/runs", {
    templateId: "order-system",
    mode: "telemetry",
    telemetry,
    options: { ...options, allowTemplateMismatch: true },
  });
  assert.equal(forced.status, 201, JSON.stringify(forced.body));
});

Deno.test("DELETE /v1/runs/{id}: captures only with ?captures=true; unknown 404, not a run 409, bad id 400", async () => {
  await using tmp = await tempDir("srv-delete");
  const send = appOver(tmp.path);
  const made = await send("POST", "/v1/runs", {
    templateId: "http-service",
    options: { deterministicRunId: true },
  });
  const id = made.body.runId;
  assert.equal((await send("POST", "/v1/telemetry/captures", { runId: id })).status, 201);
  // the state cache must not answer for a deleted run
  assert.equal((await send("GET", `/v1/runs/${id}/state?binIndex=1`)).status, 200);
  const deleted = await send("DELETE", `/v1/runs/${id}`);
  assert.equal(deleted.status, 200);
  assert.deepEqual(deleted.body, {
    runId: id,
    deleted: [`runs/${id}`],
    keptCaptures: [`telemetry/${id}`],
  });
  assert.equal((await send("GET", `/v1/runs/${id}/state?binIndex=1`)).status, 404);
  assert.equal((await send("GET", "/v1/runs")).body.runs.length, 0);
  assert.equal((await send("DELETE", `/v1/runs/${id}`)).status, 404);

  await send("POST", "/v1/runs", {
    templateId: "http-service",
    options: { deterministicRunId: true },
  });
  const all = await send("DELETE", `/v1/runs/${id}?captures=true`);
  assert.deepEqual(all.body.deleted, [`runs/${id}`, `telemetry/${id}`]);

  await Deno.mkdir(join(tmp.path, "runs", "notes"), { recursive: true });
  await Deno.writeTextFile(join(tmp.path, "runs", "notes", "todo.txt"), "keep\n");
  const notRun = await send("DELETE", "/v1/runs/notes");
  assert.equal(notRun.status, 409);
  assert.equal(notRun.body.code, "bundle_invalid");
  assert.match(notRun.body.error, /<data>\/runs\/notes is not a run folder/);
  assert.equal((await send("DELETE", "/v1/runs/..%2Fx")).status, 400);
  assert.equal((await send("DELETE", "/v1/runs/notes?captures=maybe")).status, 400);
  assert.equal(await Deno.readTextFile(join(tmp.path, "runs", "notes", "todo.txt")), "keep\n");
});
