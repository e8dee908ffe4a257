import assert from "node:assert/strict";
import {
  Digester,
  parseArtifactDigest,
  sameDigest,
  serializeArtifactDigest,
} from "../../helpers/_digest.ts";
import { StorageFormatError } from "../../storages/errors.ts";
import type { DigestAlgorithm } from "../../helpers/types.ts";
import { pseudoRandomBytes, sha256, xxh128 } from "../_helpers.ts";

Deno.test("Digester hashes as xxhsum -H2 and sha256 do, whatever the chunking, and after reset()", async () => {
  // 0, 1, XXH3's short/medium/long input boundaries, and several of its 1 KiB stripes' blocks.
  for (const size of [0, 1, 16, 17, 128, 129, 240, 241, 1024, 65_537, 3 * 1024 * 1024 + 7]) {
    const bytes = pseudoRandomBytes(size, size + 1);
    for (const algorithm of ["xxh128", "sha256"] as const) {
      const digester = await Digester.create(algorithm);
      digester.update(pseudoRandomBytes(1000, 9)); // thrown away by reset()
      digester.reset();
      for (let offset = 0, step = 1; offset < size; offset += step, step = step * 3 + 1) {
        digester.update(bytes.subarray(offset, offset + step));
      }
      const hash = algorithm === "sha256" ? sha256(bytes) : await xxh128(bytes);
      assert.deepEqual(digester.digest(), { algorithm, hash, size }, `${algorithm}, ${size} B`);
    }
  }
});

Deno.test("The default digest is XXH3-128; an unknown algorithm is a TypeError that names both", async () => {
  assert.equal((await Digester.create()).algorithm, "xxh128");
  // "toString" is a key every object inherits: the check must not take it for a hash.
  for (const name of ["md5", "toString"]) {
    await assert.rejects(
      Digester.create(name as DigestAlgorithm),
      (error) =>
        error instanceof TypeError &&
        new RegExp(`"${name}".*"xxh128".*"sha256"`).test(error.message),
    );
  }
});

Deno.test("A digest attribute is Python's json.dumps of {algorithm: hash, size}, read back as written", () => {
  const xxh = { algorithm: "xxh128", hash: "5c7401c0ec22eeeeeaf06c6480b2cd11", size: 1 } as const;
  assert.equal(
    serializeArtifactDigest(xxh),
    '{"xxh128": "5c7401c0ec22eeeeeaf06c6480b2cd11", "size": 1}',
  );
  assert.deepEqual(parseArtifactDigest(serializeArtifactDigest(xxh)), xxh);
  // The record of every upload before XXH3-128 became the default, byte for byte.
  const legacy =
    '{"sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", "size": 1}';
  const parsed = parseArtifactDigest(legacy)!;
  assert.deepEqual(parsed, {
    algorithm: "sha256",
    hash: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    size: 1,
  });
  assert.equal(serializeArtifactDigest(parsed), legacy);
  assert.equal(parseArtifactDigest("null"), null, "a tombstone");
  assert.ok(!sameDigest(xxh, { ...xxh, algorithm: "sha256" }));
  assert.ok(!sameDigest(xxh, { ...xxh, size: 2 }));
});

Deno.test("A malformed digest attribute is a StorageFormatError that shows both forms", () => {
  for (
    const value of [
      '{"xxh128": "5c7401c0ec22eeeeeaf06c6480b2cd1", "size": 1}', // 31 digits
      '{"sha256": "5c7401c0ec22eeeeeaf06c6480b2cd11", "size": 1}', // an XXH3-128 named SHA-256
      '{"xxh128": "5C7401C0EC22EEEEEAF06C6480B2CD11", "size": 1}',
      '{"md5": "5c7401c0ec22eeeeeaf06c6480b2cd11", "size": 1}',
      '{"xxh128": "5c7401c0ec22eeeeeaf06c6480b2cd11", "sha256": "' + "0".repeat(64) +
      '", "size": 1}',
      '{"xxh128": "5c7401c0ec22eeeeeaf06c6480b2cd11", "size": -1}',
      '{"xxh128": "5c7401c0ec22eeeeeaf06c6480b2cd11"}',
      "[1]",
      "{",
    ]
  ) {
    assert.throws(() => parseArtifactDigest(value), (error) => {
      assert.ok(error instanceof StorageFormatError, value);
      assert.match(error.message, /"xxh128": <32 hex digits>.*"sha256": <64 hex digits>/);
      return true;
    });
  }
});
