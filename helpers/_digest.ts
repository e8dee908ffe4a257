// The digest codec: one system attribute per artifact beside its metadata, key
// "artifact_digests:<artifact_id>", value the JSON text of {"xxh128" | "sha256", "size"} as
// Python's json.dumps writes it: the key names the hash function, so a record made before
// XXH3-128 was the default ({"sha256", "size"}) is read and checked as it always was. Its key
// does not start with "artifacts:", so Python Optuna and optuna-dashboard, which list only
// those keys, never see it.
import type { Hash } from "node:crypto";
import { nodeBuiltin } from "../_common/node_builtin.ts";
import { StorageFormatError } from "../storages/errors.ts";
import { pythonJsonDumps } from "../_common/python_json.ts";
import type { JsonValue } from "../storages/types.ts";
import type { ArtifactDigest, DigestAlgorithm } from "./types.ts";
import type { AttrTarget } from "./_attr_target.ts";

/** The prefix of the system attribute keys that hold artifact digests. */
export const DIGESTS_ATTR_PREFIX = "artifact_digests:";

/**
 * The hash function of new records: XXH3-128 (WebAssembly, 3.3 GiB/s here against SHA-256's
 * 1.4 GiB/s through node:crypto, so a digest costs little more than the copy it rides on).
 */
export const DEFAULT_DIGEST_ALGORITHM: DigestAlgorithm = "xxh128";

const HEX_DIGITS: Record<DigestAlgorithm, number> = { xxh128: 32, sha256: 64 };

/** The part of a hash function a digest needs, as hash-wasm's `IHasher` has it. */
interface Hasher {
  /** Starts again from no bytes. */
  init(): unknown;
  /** Adds the next bytes. */
  update(chunk: Uint8Array): unknown;
  /** The hash of the bytes added since the start, in lowercase hex. */
  digest(outputType: "hex"): string;
}

const createSha256 = () => nodeBuiltin("node:crypto").createHash("sha256");

/** node:crypto's SHA-256 in hash-wasm's shape: a Hash cannot start again, so init makes one. */
class Sha256 implements Hasher {
  #hash: Hash = createSha256();
  init(): void {
    this.#hash = createSha256();
  }
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }
  digest(): string {
    return this.#hash.digest("hex");
  }
}

/** Hashes bytes as they pass, for a digest without a second read. */
export class Digester {
  /** The hash function. */
  readonly algorithm: DigestAlgorithm;
  #hasher: Hasher;
  #size = 0;

  private constructor(algorithm: DigestAlgorithm, hasher: Hasher) {
    this.algorithm = algorithm;
    this.#hasher = hasher;
  }

  /** A digester for `algorithm` (the WebAssembly module is compiled once per process). */
  static async create(algorithm: DigestAlgorithm = DEFAULT_DIGEST_ALGORITHM): Promise<Digester> {
    if (!Object.hasOwn(HEX_DIGITS, algorithm)) {
      throw new TypeError(
        `Cannot record a digest with "${algorithm}": use "xxh128" (the default) or "sha256"`,
      );
    }
    // hash-wasm's hasher comes initialised. Imported at the first digest, not with the module:
    // on Deno, loading it starts Deno's Node.js layer (10 MiB and more; node_builtin.ts), which
    // a process that only lists artifacts need not pay. Pinned here, not in an import map: an
    // importer of a clone (see the README) needs no map.
    // deno-lint-ignore no-import-prefix
    const { createXXHash128 } = await import("npm:hash-wasm@4.13.0");
    const hasher = algorithm === "sha256" ? new Sha256() : await createXXHash128();
    return new Digester(algorithm, hasher);
  }

  /** Starts again from no bytes (a retried write reads its source from the start). */
  reset(): void {
    this.#hasher.init();
    this.#size = 0;
  }

  /** Adds the next bytes. */
  update(chunk: Uint8Array): void {
    this.#hasher.update(chunk);
    this.#size += chunk.length;
  }

  /** The digest of every byte added since the start or the last reset. */
  digest(): ArtifactDigest {
    return { algorithm: this.algorithm, hash: this.#hasher.digest("hex"), size: this.#size };
  }
}

/** The attribute value of a digest, byte for byte what Python's json.dumps would write. */
export function serializeArtifactDigest(digest: ArtifactDigest): string {
  return pythonJsonDumps({ [digest.algorithm]: digest.hash, size: digest.size });
}

/** Reads a digest attribute; `null` for a tombstone. */
export function parseArtifactDigest(value: JsonValue): ArtifactDigest | null {
  let content: JsonValue = value;
  try {
    if (typeof value === "string") content = JSON.parse(value);
  } catch (error) {
    throw invalid(value, { cause: error });
  }
  if (content === null) return null;
  if (typeof content !== "object" || Array.isArray(content)) throw invalid(value);
  const { size, ...rest } = content;
  const names = Object.keys(rest);
  const algorithm = names[0] as DigestAlgorithm;
  const hash = rest[algorithm];
  if (
    names.length !== 1 || !Object.hasOwn(HEX_DIGITS, algorithm) || typeof hash !== "string" ||
    hash.length !== HEX_DIGITS[algorithm] || !/^[0-9a-f]+$/.test(hash) ||
    typeof size !== "number" || !Number.isSafeInteger(size) || size < 0
  ) {
    throw invalid(value);
  }
  return { algorithm, hash, size };
}

function invalid(value: JsonValue, options?: ErrorOptions): StorageFormatError {
  return new StorageFormatError(
    `Cannot read artifact digest ${JSON.stringify(value).slice(0, 120)}: it is neither ` +
      '{"xxh128": <32 hex digits>, "size": <bytes>} nor {"sha256": <64 hex digits>, "size": ' +
      "<bytes>}; remove the attribute to skip the check",
    options,
  );
}

/** The same digest: equal hash function, hash and size. */
export function sameDigest(a: ArtifactDigest, b: ArtifactDigest): boolean {
  return a.size === b.size && a.algorithm === b.algorithm && a.hash === b.hash;
}

/** The digest recorded for an artifact of a study or trial, or `undefined` when none is. */
export async function recordedDigest(
  target: AttrTarget,
  artifactId: string,
): Promise<ArtifactDigest | undefined> {
  return digestIn(await target.getSystemAttrs(), artifactId);
}

/** The digest of an artifact among attributes already read, or `undefined` when none is. */
export function digestIn(
  attrs: Record<string, JsonValue>,
  artifactId: string,
): ArtifactDigest | undefined {
  const value = attrs[DIGESTS_ATTR_PREFIX + artifactId];
  return value === undefined ? undefined : parseArtifactDigest(value) ?? undefined;
}
