// Bodies the connection layer sends without reading the Response: the bytes of a cached state
// answer (so a 731 KB window is not encoded again from its text for every request), and
// answers to be streamed as they are produced (chunked) rather than read whole first. A
// Response built here still has its ordinary body, for `app.request` and any other reader.

const bodies = new WeakMap<Response, Uint8Array | "stream">();

/**
 * Mark a response whose body is these bytes, to be sent as they are.
 * @param response the response (its own body holds the same content)
 * @param bytes the body's bytes
 * @returns the response
 */
export function withBodyBytes(response: Response, bytes: Uint8Array): Response {
  bodies.set(response, bytes);
  return response;
}

/**
 * Mark a response whose body stream is to be sent piece by piece as it is produced.
 * @param response the response
 * @returns the response
 */
export function streamed(response: Response): Response {
  bodies.set(response, "stream");
  return response;
}

/**
 * How the body of a response may be sent.
 * @param response the response
 * @returns its bytes, "stream", or undefined (read it whole)
 */
export function bodyOf(response: Response): Uint8Array | "stream" | undefined {
  return bodies.get(response);
}
