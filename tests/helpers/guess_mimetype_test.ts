import assert from "node:assert/strict";
import { join } from "node:path";
import { guessMimetype } from "../../helpers/guess_mimetype.ts";
import { FIXTURES } from "../_helpers.ts";

const vectors = JSON.parse(await Deno.readTextFile(join(FIXTURES, "vectors.json")));

Deno.test("guessMimetype() matches Python's guess wherever Python has one", () => {
  let checked = 0;
  for (const { filename, mimetype, encoding } of vectors.mimetype_guesses) {
    const guess = guessMimetype(filename);
    assert.equal(guess.encoding, encoding, `${filename} encoding`);
    if (mimetype !== null) {
      assert.equal(guess.mimetype, mimetype, `${filename} mimetype`);
      checked++;
    }
  }
  assert.equal(checked, 36); // the vectors with a Python answer
});

Deno.test("guessMimetype() fills Python's gaps from the MIME database (documented differences)", () => {
  const gaps: Record<string, string | null> = {
    "a.md": "text/markdown",
    "a.webp": "image/webp",
    "a.yaml": "text/yaml",
    "a.ogg": "audio/ogg",
    "a.ipynb": "application/x-ipynb+json",
    "a.gz": null, // an encoding alone: no type, as Python
    "noext": null,
    ".hidden": null,
  };
  for (const [filename, mimetype] of Object.entries(gaps)) {
    const python = vectors.mimetype_guesses.find((v: { filename: string }) =>
      v.filename === filename
    );
    assert.equal(python?.mimetype, null, `${filename} must be a gap in Python's table`);
    assert.equal(guessMimetype(filename).mimetype, mimetype, filename);
  }
});

Deno.test("guessMimetype() follows Python's suffix, case and data-URL rules", () => {
  const cases: Array<[string, string | null, string | null]> = [
    ["a.TGZ", "application/x-tar", "gzip"],
    ["a.GZ", "application/gzip", null], // encodings are case-sensitive: not one here
    ["a.tar.Z", "application/x-tar", "compress"],
    ["x.SVGZ", "image/svg+xml", "gzip"],
    ["a.TXT.gz", "text/plain", "gzip"],
    ["..a", null, null],
    ["a..txt", "text/plain", null],
    ["dir.d/file", null, null],
    ["data:image/png,xx", "image/png", null],
    ["data:nothing", null, null],
  ];
  for (const [filename, mimetype, encoding] of cases) {
    assert.deepEqual(guessMimetype(filename), { mimetype, encoding }, filename);
  }
});
