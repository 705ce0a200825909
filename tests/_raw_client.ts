// A raw HTTP/1.1 client for tests of the connection layer: bytes written as given, responses
// read as they come, connections that can be left idle or stalled on purpose.

/** One response read off a connection. */
export interface RawResponse {
  status: number;
  /** Header fields, names lower-cased. */
  headers: Map<string, string>;
  body: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A connection with a read buffer, so several responses can be read in turn. */
export class RawConnection {
  readonly conn: Deno.TcpConn;
  #pending = new Uint8Array(0);
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  /**
   * Connect to 127.0.0.1.
   * @param port server port
   * @returns the connection
   */
  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /**
   * Write text or bytes as they are.
   * @param data what to send
   */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    let at = 0;
    while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
  }

  async #more(): Promise<boolean> {
    if (this.#closed) return false;
    const buf = new Uint8Array(65536);
    let n: number | null;
    try {
      n = await this.conn.read(buf);
    } catch {
      n = null;
    }
    if (n === null) {
      this.#closed = true;
      return false;
    }
    const next = new Uint8Array(this.#pending.length + n);
    next.set(this.#pending);
    next.set(buf.subarray(0, n), this.#pending.length);
    this.#pending = next;
    return true;
  }

  /**
   * Read one response (head plus Content-Length body).
   * @param options `head: true` for a response to HEAD (no body follows)
   * @returns the response, or null when the server closed first
   */
  async response(options: { head?: boolean } = {}): Promise<RawResponse | null> {
    for (;;) {
      const text = dec.decode(this.#pending);
      const split = text.indexOf("\r\n\r\n");
      if (split >= 0) {
        const lines = text.slice(0, split).split("\r\n");
        const headers = new Map<string, string>();
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
        }
        const status = Number(lines[0].slice(9, 12));
        const length = options.head || status === 100 || status === 204
          ? 0
          : Number(headers.get("content-length") ?? 0);
        const headBytes = enc.encode(text.slice(0, split + 4)).length;
        if (this.#pending.length - headBytes >= length) {
          const body = dec.decode(this.#pending.subarray(headBytes, headBytes + length));
          this.#pending = this.#pending.subarray(headBytes + length);
          return { status, headers, body };
        }
      }
      if (!(await this.#more())) return null;
    }
  }

  /**
   * Wait until the server closes the connection.
   * @returns the text received meanwhile
   */
  async closedByServer(): Promise<string> {
    while (await this.#more()) {
      // keep reading
    }
    const text = dec.decode(this.#pending);
    this.#pending = new Uint8Array(0);
    return text;
  }

  /** Close from this side (quietly when already closed). */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/**
 * A request head as lines joined with CRLF and ended by the blank line.
 * @param lines request line and headers
 * @returns the head text
 */
export function head(...lines: string[]): string {
  return lines.join("\r\n") + "\r\n\r\n";
}
