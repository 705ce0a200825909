// lib/base/safe_read.ts on its own: links that stay inside the folder are read, the size limit
// holds for files that grow, and strict UTF-8 names the first bad byte.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decodeUtf8,
  readFileInside,
  readFileInsideSync,
  readTextInside,
} from "../../lib/base/safe_read.ts";
import { assertRejectsCode, assertThrowsCode, tempDir } from "../_helpers.ts";

async function ln(target: string, link: string): Promise<void> {
  const out = await new Deno.Command("ln", { args: ["-s", target, link] }).output();
  assert.ok(out.success);
}

Deno.test("a link that stays inside the folder is read; the folder itself may be reached by a link", async () => {
  const dir = (await tempDir("safe-inside")).path;
  try {
    await Deno.mkdir(join(dir, "real", "sub"), { recursive: true });
    await Deno.writeTextFile(join(dir, "real", "sub", "a.txt"), "hello");
    await ln("sub/a.txt", join(dir, "real", "b.txt"));
    await ln("real", join(dir, "alias"));
    const options = { root: join(dir, "alias"), maxBytes: 5 };
    assert.equal(await readTextInside(join(dir, "alias", "b.txt"), options), "hello");
    assert.equal(
      new TextDecoder().decode(readFileInsideSync(join(dir, "alias", "sub", "a.txt"), options)),
      "hello",
    );
    await assertRejectsCode(
      () => readFileInside(join(dir, "alias", "b.txt"), { ...options, maxBytes: 4 }),
      "bundle_invalid",
      /more than 4 bytes|is 5 bytes/,
    );
    await assert.rejects(
      () => readFileInside(join(dir, "alias", "none"), options),
      Deno.errors.NotFound,
    );
    await assertRejectsCode(
      () => readFileInside(join(dir, "real", "sub"), { root: join(dir, "real"), maxBytes: 10 }),
      "bundle_invalid",
      /is a folder, not a regular file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("strict UTF-8: the first byte that is not part of a character is named", () => {
  const enc = new TextEncoder();
  assert.equal(decodeUtf8(enc.encode("héllo ✓"), "f"), "héllo ✓");
  for (
    const [bytes, at] of [[[0x61, 0xff], 1], [[0xc3], 0], [[0x61, 0x62, 0xe2, 0x9c], 2], [[
      0xed,
      0xa0,
      0x80,
    ], 0]] as const
  ) {
    assertThrowsCode(
      () => decodeUtf8(new Uint8Array(bytes), "f", "yaml_syntax"),
      "yaml_syntax",
      new RegExp(`^f is not UTF-8 text \\(byte ${at} `),
    );
  }
});
