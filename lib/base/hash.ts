// The one hashing helper: sha256 over exact bytes, written as "sha256:<hex>" everywhere.
import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/**
 * Lowercase hex sha256 of bytes or of a string's UTF-8 encoding.
 * @param data bytes or text
 * @returns 64 hex characters
 */
export function sha256Hex(data: Uint8Array | string): string {
  const hash = createHash("sha256");
  hash.update(typeof data === "string" ? encoder.encode(data) : data);
  return hash.digest("hex");
}

/**
 * The contract hash form: `"sha256:" + lowercase hex`.
 * @param data bytes or text
 * @returns the prefixed hash
 */
export function hashOf(data: Uint8Array | string): string {
  return `sha256:${sha256Hex(data)}`;
}
