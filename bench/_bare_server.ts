// The floor of a served response: a bare Deno.serve answering every request with the bytes of
// one file (read once), as application/json. Started by bench/serve.ts beside the real server.
//
// Run: deno run --allow-read=<file> --allow-net=127.0.0.1 bench/_bare_server.ts <file> <port>
const [file, port] = Deno.args;
const bytes = await Deno.readFile(file);
const headers = { "content-type": "application/json; charset=utf-8" };
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen: () => {} },
  () => new Response(bytes, { headers }),
);
