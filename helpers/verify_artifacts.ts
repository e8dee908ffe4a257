/**
 * Audits the artifacts of a study: every blob exists and matches the digest recorded at
 * upload, and no blob is left that no metadata names.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createStudy,
 *   InMemoryArtifactStore,
 *   uploadArtifact,
 *   verifyArtifacts,
 * } from "@optuna-deno/artifacts";
 * const artifactStore = new InMemoryArtifactStore();
 * const study = await createStudy();
 * await uploadArtifact({ artifactStore, studyOrTrial: study, body: "x", filename: "x.txt" });
 * const report = await verifyArtifacts({ artifactStore, studyOrTrial: study });
 * assert.equal(report.ok, true);
 * assert.equal(report.artifacts[0].status, "ok");
 * ```
 *
 * @module
 */
import { ArtifactNotFoundError } from "../stores/errors.ts";
import { pumpStream } from "../_common/stream.ts";
import { type AttrTarget, resolveTarget } from "./_attr_target.ts";
import { Digester, digestIn, sameDigest } from "./_digest.ts";
import {
  ARTIFACTS_ATTR_PREFIX,
  DASHBOARD_ARTIFACTS_ATTR_PREFIX,
  parseArtifactMeta,
} from "./_meta_codec.ts";
import type { JsonValue, StudyStorage } from "../storages/types.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactDigest } from "./types.ts";

/** Options of {@linkcode verifyArtifacts}. */
export interface VerifyArtifactsOptions {
  /** Where the bytes are. */
  artifactStore: ArtifactStore;
  /** The study (and, with `includeTrials`, its trials) or the one trial to check. */
  studyOrTrial: StudyOrTrial;
  /** The storage, when `studyOrTrial` does not carry one. */
  storage?: StudyStorage;
  /**
   * With a study: check its trials' artifacts too.
   *
   * @default {true}
   */
  includeTrials?: boolean;
  /**
   * Read every blob that has a recorded digest and compare; off, only existence and (where the
   * store can tell) size are checked.
   *
   * @default {true}
   */
  checkDigests?: boolean;
  /**
   * List the store (where it can: file system, memory, S3, GCS) for blobs that no metadata of
   * any study in the storage names.
   *
   * @default {true}
   */
  findOrphans?: boolean;
  /**
   * Remove the orphans last written at least this many seconds ago; unset removes none. A
   * blob written moments ago may belong to an upload whose metadata is about to be recorded,
   * and a store shared by several storages holds blobs this storage does not name: choose
   * the threshold with both in mind.
   */
  removeOrphansOlderThan?: number;
  /** Stops the audit. */
  signal?: AbortSignal;
  /** Told after each artifact checked. */
  onProgress?: (progress: VerifyProgress) => void;
}

/** How far an audit is. */
export interface VerifyProgress {
  /** Artifacts checked so far. */
  checked: number;
  /** Artifacts to check. */
  total: number;
}

/**
 * What the audit found of one artifact: `"ok"` (matches its digest), `"no-digest"` (the blob
 * exists, but no digest was recorded, as for an upload by Python Optuna), `"missing"` (the
 * metadata names a blob that does not exist), `"corrupted"` (the size or digest differ).
 */
export type ArtifactCheckStatus = "ok" | "no-digest" | "missing" | "corrupted";

/** One artifact's result. */
export interface ArtifactCheck {
  /** The artifact's id. */
  artifactId: string;
  /** Its recorded file name. */
  filename: string;
  /** The number of the trial it belongs to, or `null` for a study artifact. */
  trialNumber: number | null;
  /** What was found. */
  status: ArtifactCheckStatus;
  /** The recorded digest, when there is one. */
  expected?: ArtifactDigest;
  /** The digest of the bytes read (or only their size, where nothing more was read). */
  actual?: ArtifactDigest | { size: number };
}

/** A blob that no metadata names. */
export interface OrphanArtifact {
  /** The blob's artifact id. */
  artifactId: string;
  /** Its size in bytes. */
  size: number;
  /** When it was last written. */
  lastModified: Date;
  /** Whether the audit removed it (`removeOrphansOlderThan`). */
  removed: boolean;
}

/** What {@linkcode verifyArtifacts} found. */
export interface VerifyReport {
  /** Every artifact checked, in the order listed. */
  artifacts: ArtifactCheck[];
  /** The orphans found (empty when the store cannot list or `findOrphans` is off). */
  orphans: OrphanArtifact[];
  /** Whether the store was listed for orphans. */
  orphansChecked: boolean;
  /** No artifact missing or corrupted, and no orphan left in the store. */
  ok: boolean;
}

/**
 * Checks the artifacts of a study or a trial against the store, without changing anything but
 * (when asked) old orphans: each blob must exist, and where a digest was recorded at upload,
 * its size and hash must match. Then lists the store, where it can, for blobs that no
 * metadata of any study in the storage names: such orphans are left by a process killed
 * between writing the blob and recording it, or by an interrupted removal.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createStudy,
 *   InMemoryArtifactStore,
 *   uploadArtifact,
 *   verifyArtifacts,
 * } from "@optuna-deno/artifacts";
 * const artifactStore = new InMemoryArtifactStore();
 * const study = await createStudy();
 * const artifactId = await uploadArtifact({
 *   artifactStore,
 *   studyOrTrial: study,
 *   body: "12345",
 *   filename: "n.txt",
 * });
 * // Damage the blob behind the metadata's back.
 * await artifactStore.write(artifactId, ReadableStream.from([new TextEncoder().encode("1234")]));
 * const report = await verifyArtifacts({ artifactStore, studyOrTrial: study });
 * assert.equal(report.ok, false);
 * assert.equal(report.artifacts[0].status, "corrupted");
 * ```
 *
 * @param options The store, the study or trial, and what to check.
 * @returns What was found.
 * @throws {StudyNotFoundError} When the study does not exist.
 * @throws {TrialNotFoundError} When the trial does not exist.
 */
export async function verifyArtifacts(options: VerifyArtifactsOptions): Promise<VerifyReport> {
  const { artifactStore, signal } = options;
  const target = resolveTarget(options.studyOrTrial, options.storage);
  const listed = await recordedArtifacts(target, options.includeTrials ?? true);
  const artifacts: ArtifactCheck[] = [];
  for (const entry of listed) {
    signal?.throwIfAborted();
    artifacts.push(await checkArtifact(artifactStore, entry, options));
    options.onProgress?.({ checked: artifacts.length, total: listed.length });
  }
  const canList = artifactStore.list !== undefined && options.findOrphans !== false;
  const orphans = canList ? await findOrphans(target.storage, artifactStore, options) : [];
  const ok = artifacts.every((a) => a.status === "ok" || a.status === "no-digest") &&
    orphans.every((o) => o.removed);
  return { artifacts, orphans, orphansChecked: canList, ok };
}

interface Recorded {
  artifactId: string;
  filename: string;
  trialNumber: number | null;
  expected?: ArtifactDigest;
}

/** The live artifacts of the target (and its trials), each with its recorded digest. */
async function recordedArtifacts(target: AttrTarget, includeTrials: boolean): Promise<Recorded[]> {
  const { storage } = target;
  const owners: Array<{ attrs: Record<string, JsonValue>; trialNumber: number | null }> = [];
  if (target.trialId !== undefined) {
    const trial = await storage.getTrial(target.trialId);
    owners.push({ attrs: await target.getSystemAttrs(), trialNumber: trial.number });
  } else {
    owners.push({ attrs: await target.getSystemAttrs(), trialNumber: null });
    if (includeTrials) {
      for (const trial of await storage.getAllTrials(target.studyId!)) {
        owners.push({
          attrs: await storage.getTrialSystemAttrs(trial.trialId),
          trialNumber: trial.number,
        });
      }
    }
  }
  const recorded: Recorded[] = [];
  for (const { attrs, trialNumber } of owners) {
    for (const [key, value] of Object.entries(attrs)) {
      if (!key.startsWith(ARTIFACTS_ATTR_PREFIX)) continue;
      const meta = parseArtifactMeta(value);
      if (meta === null) continue;
      recorded.push({
        artifactId: meta.artifactId,
        filename: meta.filename,
        trialNumber,
        expected: digestIn(attrs, meta.artifactId),
      });
    }
  }
  return recorded;
}

async function checkArtifact(
  store: ArtifactStore,
  entry: Recorded,
  options: VerifyArtifactsOptions,
): Promise<ArtifactCheck> {
  const { expected, ...named } = entry;
  const result = (status: ArtifactCheckStatus, actual?: ArtifactCheck["actual"]) => ({
    ...named,
    status,
    ...(expected ? { expected } : {}),
    ...(actual ? { actual } : {}),
  });
  const { signal } = options;
  try {
    // The size first, where it is cheap: a truncated blob is found without reading it.
    const size = store.stat ? (await store.stat(entry.artifactId, { signal })).size : undefined;
    if (expected && size !== undefined && size !== expected.size) {
      return result("corrupted", { size });
    }
    if (!expected || options.checkDigests === false) {
      if (size === undefined) await (await store.open(entry.artifactId, { signal })).cancel();
      return result(expected ? "ok" : "no-digest", size === undefined ? undefined : { size });
    }
    const digester = await Digester.create(expected.algorithm);
    await pumpStream(
      await store.open(entry.artifactId, { signal }),
      (chunk) => digester.update(chunk),
      signal,
    );
    const actual = digester.digest();
    return result(sameDigest(expected, actual) ? "ok" : "corrupted", actual);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return result("missing");
    throw error;
  }
}

/** Blobs in the store that no metadata of any study or trial in the storage names. */
async function findOrphans(
  storage: StudyStorage,
  store: ArtifactStore,
  options: VerifyArtifactsOptions,
): Promise<OrphanArtifact[]> {
  const named = new Set<string>();
  const collect = (attrs: Record<string, JsonValue>) => {
    for (const [key, value] of Object.entries(attrs)) {
      if (key.startsWith(ARTIFACTS_ATTR_PREFIX)) {
        const meta = parseArtifactMeta(value);
        if (meta) named.add(meta.artifactId);
      } else if (
        key.startsWith(DASHBOARD_ARTIFACTS_ATTR_PREFIX) && value !== null && value !== "null"
      ) {
        // optuna-dashboard's older study-level record of a trial artifact.
        named.add(key.slice(key.lastIndexOf(":") + 1));
      }
    }
  };
  // Listed before the metadata is read: a blob uploaded meanwhile is then either named or
  // younger than the listing, and never mistaken for an old orphan.
  const blobs = await Array.fromAsync(store.list!({ signal: options.signal }));
  for (const study of await storage.getAllStudies()) {
    collect(await storage.getStudySystemAttrs(study.studyId));
    for (const trial of await storage.getAllTrials(study.studyId)) {
      collect(await storage.getTrialSystemAttrs(trial.trialId));
    }
  }
  const orphans: OrphanArtifact[] = [];
  const threshold = options.removeOrphansOlderThan;
  for (const blob of blobs) {
    if (named.has(blob.artifactId)) continue;
    const old = threshold !== undefined &&
      Date.now() - blob.lastModified.getTime() >= threshold * 1000;
    if (old) await store.remove(blob.artifactId, { signal: options.signal });
    orphans.push({ ...blob, removed: old });
  }
  return orphans;
}
