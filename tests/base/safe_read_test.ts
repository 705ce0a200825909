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
import { FolderReader, readChunksInsideSync } from "../../lib/base/folder_read.ts";
import { FlowTimeError } from "../../lib/base/errors.ts";
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

Deno.test("FolderReader reads and refuses exactly what readFileInsideSync does", async () => {
  const dir = (await tempDir("safe-folder-reader")).path;
  try {
    const root = join(dir, "run");
    await Deno.mkdir(join(root, "series"), { recursive: true });
    await Deno.mkdir(join(dir, "outside"), { recursive: true });
    await Deno.writeTextFile(join(dir, "outside", "secret.csv"), "secret");
    await Deno.writeTextFile(join(root, "series", "a.csv"), "bin_index,value\n0,1\n");
    await Deno.writeTextFile(join(root, "series", "big.csv"), "x".repeat(100));
    await ln("a.csv", join(root, "series", "inside-link.csv"));
    await ln(join(dir, "outside", "secret.csv"), join(root, "series", "outside-link.csv"));
    await ln(join(dir, "outside"), join(root, "linked-folder"));
    await Deno.mkdir(join(root, "series", "folder.csv"));
    const fifo = await new Deno.Command("mkfifo", { args: [join(root, "series", "pipe.csv")] })
      .output();
    assert.ok(fifo.success);
    const names = [
      "series/a.csv",
      "series/big.csv",
      "series/inside-link.csv",
      "series/outside-link.csv",
      "series/folder.csv",
      "series/pipe.csv",
      "series/missing.csv",
      "linked-folder/secret.csv",
    ];
    const outcome = (read: () => Uint8Array): string => {
      try {
        return `read ${new TextDecoder().decode(read())}`;
      } catch (e) {
        return e instanceof FlowTimeError
          ? `${e.code}: ${e.message}`
          : `${(e as Error).constructor.name}`;
      }
    };
    // twice: the second time the folders' real paths come from the reader's memory
    const reader = new FolderReader(root);
    for (let round = 0; round < 2; round++) {
      for (const name of names) {
        const path = join(root, name);
        const options = { maxBytes: 50, name };
        const expected = outcome(() => readFileInsideSync(path, { ...options, root }));
        assert.equal(outcome(() => reader.read(path, options)), expected, name);
        assert.equal(
          outcome(() => reader.read(path, options, new Uint8Array(4))),
          expected,
          `${name} (small buffer)`,
        );
      }
    }
    assert.equal(
      outcome(() => reader.read(join(root, "series/a.csv"), { maxBytes: 50 })),
      "read bin_index,value\n0,1\n",
    );
    assert.match(
      outcome(() => reader.read(join(root, "series/outside-link.csv"), { maxBytes: 50 })),
      /outside its folder/,
    );
    assert.match(
      outcome(() => reader.read(join(root, "series/pipe.csv"), { maxBytes: 50 })),
      /named pipe/,
    );
    assert.match(
      outcome(() => reader.read(join(root, "series/big.csv"), { maxBytes: 50 })),
      /bytes/,
    );
    assert.equal(
      outcome(() => reader.read(join(root, "series/missing.csv"), { maxBytes: 50 })),
      "NotFound",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readChunksInsideSync hands over the file in full pieces, within the limit", async () => {
  const dir = (await tempDir("safe-chunks")).path;
  try {
    const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
    await Deno.writeFile(join(dir, "f.bin"), bytes);
    const pieces: Uint8Array[] = [];
    const total = readChunksInsideSync(
      join(dir, "f.bin"),
      { root: dir, maxBytes: 10_000 },
      (chunk) => pieces.push(chunk.slice()),
      4096,
    );
    assert.equal(total, 10_000);
    assert.deepEqual(pieces.map((p) => p.length), [4096, 4096, 1808]);
    assert.deepEqual(new Uint8Array(pieces.flatMap((p) => [...p])), bytes);
    const tooBig = assertThrowsCode(
      () => readChunksInsideSync(join(dir, "f.bin"), { root: dir, maxBytes: 9_999 }, () => {}),
      "bundle_invalid",
    );
    assert.match(tooBig.message, /is more than 9999 bytes/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
