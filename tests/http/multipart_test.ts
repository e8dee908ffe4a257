// The streaming multipart reader, fed in chunks of every size around the boundary's length.
import assert from "node:assert/strict";
import { firstFilePart, formBoundary } from "../../http/_multipart.ts";
import { chunked, pseudoRandomBytes, sha256 } from "../_helpers.ts";

Deno.test("firstFilePart() finds the file whatever the chunking, byte for byte", async () => {
  // File bytes that hold the boundary's prefix, to trip a naive search.
  const head = new TextEncoder().encode("\r\n--almost the boundary\r\n-");
  const file: Uint8Array<ArrayBuffer> = new Uint8Array([
    ...head,
    ...pseudoRandomBytes(70_000, 2),
    ...head,
  ]);
  const form = new FormData();
  form.append("field", "value");
  form.append("upload", new Blob([file]), "data.bin");
  const response = new Response(form);
  const boundary = formBoundary(response.headers.get("content-type")!)!;
  const encoded = new Uint8Array(await response.arrayBuffer());
  for (
    const size of [
      1,
      2,
      3,
      boundary.length - 1,
      boundary.length,
      boundary.length + 5,
      4096,
      1 << 20,
    ]
  ) {
    const { filename, content } = await firstFilePart(chunked(encoded, size), boundary);
    assert.equal(filename, "data.bin");
    const got = new Uint8Array(await new Response(content).arrayBuffer());
    assert.equal(sha256(got), sha256(file), `chunks of ${size}`);
  }
});

Deno.test("formBoundary() reads quoted and bare boundaries, and only of form data", () => {
  assert.equal(formBoundary("multipart/form-data; boundary=abc"), "abc");
  assert.equal(formBoundary('multipart/form-data; charset=utf-8; boundary="a b"'), "a b");
  assert.equal(formBoundary("multipart/mixed; boundary=abc"), undefined);
  assert.equal(formBoundary("text/plain"), undefined);
});
