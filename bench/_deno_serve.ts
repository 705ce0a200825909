// The same app served with Deno.serve instead of the server's own connection layer, for the
// overhead comparison in bench/connections.ts only. Not a way to run the toolkit: it has no
// connection cap and no timeouts.
import { createApp } from "../server/app.ts";

const port = Number(Deno.args[Deno.args.indexOf("--port") + 1]);
const app = createApp({ dataDir: Deno.env.get("FLOWTIME_DATA_DIR") });
Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, app.fetch);
