// The floor of a served response: a bare Deno.serve answering every request with the bytes of
// one file (read once), as application/json. Started by bench/serve.ts beside the real server.
// The body is the file's text: Deno sends a string faster, and with less memory, than the same
// bytes in a Uint8Array (which it copies twice), so this is the higher of the two floors.
//
// Run: deno run --allow-read=<file> --allow-net=127.0.0.1 bench/_bare_server.ts <file> <port>
const [file, port] = Deno.args;
const text = await Deno.readTextFile(file);
const headers = { "content-type": "application/json; charset=utf-8" };
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen: () => {} },
  () => new Response(text, { headers }),
);
