// The first file of a multipart/form-data body (RFC 7578), streamed: the bytes of the file are
// handed on as they arrive, never held whole, so a browser form can upload any size.

/** Thrown for a body that is not the multipart form it claims to be. */
export class MultipartError extends Error {}

const CRLF = new Uint8Array([13, 10]);
const MAX_HEADER_BYTES = 16 * 1024;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first, from); i !== -1; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The boundary of a `multipart/form-data` content type, or `undefined`. */
export function formBoundary(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Reads `body` up to its first part that carries a file name and returns that name and a stream
 * of the part's bytes. Parts before it (text fields) are skipped; what follows it is not read.
 * The stream errors when the body ends before the part does (a client gone mid-upload).
 */
export async function firstFilePart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
): Promise<{ filename: string; content: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const encoder = new TextEncoder();
  // Every delimiter after the first is preceded by CRLF; the first may open the body.
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  let buffer: Uint8Array = new Uint8Array(0);
  const more = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buffer = concat(buffer, value);
    return true;
  };
  const fail = async (message: string): Promise<never> => {
    await reader.cancel().catch(() => {});
    throw new MultipartError(message);
  };
  // The first delimiter: as if the body started with CRLF.
  buffer = concat(CRLF, buffer);
  let at: number;
  while ((at = indexOf(buffer, delimiter)) === -1) {
    if (buffer.length > MAX_HEADER_BYTES || !(await more())) {
      return await fail("The form has no boundary line");
    }
  }
  buffer = buffer.subarray(at + delimiter.length);
  while (true) {
    // After a delimiter: "--" ends the body, CRLF starts a part's headers.
    while (buffer.length < 2) if (!(await more())) return await fail("The form ends early");
    if (buffer[0] === 45 && buffer[1] === 45) return await fail("The form holds no file");
    let end: number;
    while ((end = indexOf(buffer, encoder.encode("\r\n\r\n"))) === -1) {
      if (buffer.length > MAX_HEADER_BYTES) return await fail("A part's headers are too long");
      if (!(await more())) return await fail("The form ends early");
    }
    const headers = new TextDecoder().decode(buffer.subarray(2, end));
    buffer = buffer.subarray(end + 4);
    const filename = filenameOf(headers);
    if (filename !== undefined) {
      return { filename, content: partStream(reader, () => buffer, (b) => buffer = b, delimiter) };
    }
    // A text field: skip to the next delimiter.
    while ((at = indexOf(buffer, delimiter)) === -1) {
      buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length));
      if (!(await more())) return await fail("The form ends early");
    }
    buffer = buffer.subarray(at + delimiter.length);
  }
}

/** The bytes up to the next delimiter; the tail that could begin one is held back. */
function partStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  get: () => Uint8Array,
  set: (buffer: Uint8Array) => void,
  delimiter: Uint8Array,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (true) {
        const buffer = get();
        const at = indexOf(buffer, delimiter);
        if (at !== -1) {
          if (at > 0) controller.enqueue(buffer.slice(0, at));
          controller.close();
          await reader.cancel().catch(() => {}); // the rest of the form is not needed
          return;
        }
        const safe = buffer.length - (delimiter.length - 1);
        if (safe > 0) {
          controller.enqueue(buffer.slice(0, safe));
          set(buffer.subarray(safe));
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.error(new MultipartError("The form ends in the middle of the file"));
          return;
        }
        set(concat(buffer, value));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The file name of a part's Content-Disposition, if it has one. */
function filenameOf(headers: string): string | undefined {
  const disposition = headers.split("\r\n").find((line) => /^content-disposition\s*:/i.test(line));
  if (!disposition) return undefined;
  const extended = /;\s*filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch { /* fall back to the plain name */ }
  }
  const quoted = /;\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(disposition);
  if (quoted) return quoted[1].replace(/\\(.)/g, "$1").replaceAll("%22", '"');
  const bare = /;\s*filename\s*=\s*([^;\s]+)/i.exec(disposition);
  return bare?.[1];
}
