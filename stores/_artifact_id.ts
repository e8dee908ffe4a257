// Artifact id validation shared by every store, so an id is valid everywhere or nowhere.
import { InvalidArtifactIdError } from "./errors.ts";
import { isTempName, TEMP_PREFIX } from "../_common/atomic_file.ts";

const MAX_ID_BYTES = 255;
// C0 controls, DEL and C1 controls: never part of an id Optuna generates, and unsafe in paths.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws {@linkcode InvalidArtifactIdError} unless `artifactId` is safe for every store. */
export function validateArtifactId(artifactId: string): void {
  if (typeof artifactId !== "string" || artifactId.length === 0) {
    throw new InvalidArtifactIdError(String(artifactId), "it is empty");
  }
  if (artifactId === "." || artifactId === "..") {
    throw new InvalidArtifactIdError(artifactId, "it names a directory");
  }
  if (isTempName(artifactId)) {
    throw new InvalidArtifactIdError(
      artifactId,
      `it starts with "${TEMP_PREFIX}", the prefix of temporary files`,
    );
  }
  if (artifactId.includes("/") || artifactId.includes("\\")) {
    throw new InvalidArtifactIdError(artifactId, "it contains a path separator");
  }
  if (CONTROL.test(artifactId)) {
    throw new InvalidArtifactIdError(artifactId, "it contains a control character");
  }
  const bytes = new TextEncoder().encode(artifactId).length;
  if (bytes > MAX_ID_BYTES) {
    throw new InvalidArtifactIdError(
      artifactId,
      `it is ${bytes} bytes long, more than ${MAX_ID_BYTES}`,
    );
  }
}

/** Whether `name` is a valid artifact id (a listed file or key that can be an artifact). */
export function isArtifactId(name: string): boolean {
  try {
    validateArtifactId(name);
    return true;
  } catch {
    return false;
  }
}

/** Throws a `RangeError` unless `offset` is a non-negative safe integer; returns it (0 if unset). */
export function validateOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`Cannot read from offset ${offset}: use a non-negative integer`);
  }
  return offset;
}

/** Throws a `RangeError` unless `length` is unset or a non-negative safe integer; returns it. */
export function validateLength(length: number | undefined): number | undefined {
  if (length === undefined) return undefined;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`Cannot read ${length} bytes: use a non-negative integer`);
  }
  return length;
}

/** Throws a `RangeError` when `offset` lies past the end of an artifact of `size` bytes. */
export function checkOffsetWithin(artifactId: string, offset: number, size: number): void {
  if (offset > size) {
    throw new RangeError(
      `Cannot open artifact "${artifactId}" at offset ${offset}: it has ${size} bytes`,
    );
  }
}
