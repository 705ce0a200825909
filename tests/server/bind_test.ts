import assert from "node:assert/strict";
import { bindWarning, DEFAULT_HOSTNAME, isLoopbackHost } from "../../server/bind.ts";

Deno.test("the default address is loopback", () => {
  assert.equal(DEFAULT_HOSTNAME, "127.0.0.1");
  assert.equal(bindWarning(DEFAULT_HOSTNAME), undefined);
});

Deno.test("loopback addresses bind without a warning", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"]) {
    assert.ok(isLoopbackHost(host), host);
    assert.equal(bindWarning(host), undefined, host);
  }
});

Deno.test("any other address is not loopback and gets a bind_warning naming it", () => {
  for (
    const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "127.0.0.256", "example.com", ""]
  ) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.deepEqual(bindWarning(host), {
      event: "bind_warning",
      level: "warn",
      hostname: host,
      message:
        `binding ${host}: the server has no authentication; anyone who can reach this address can read runs and start captures`,
    });
  }
});
