/**
 * Optuna artifacts for Deno: save the output files of an optimization (plots, checkpoints,
 * logs) in an artifact store and record them in the study's Optuna storage, byte-compatible
 * with Python's `optuna.artifacts`, so Python Optuna and optuna-dashboard see them as their
 * own.
 *
 * Artifact stores: {@linkcode FileSystemArtifactStore} (Optuna's folder layout) and
 * {@linkcode InMemoryArtifactStore}. Study storage: {@linkcode InMemoryStorage}.
 *
 * @example Save a file for a trial and list it
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createStudy,
 *   downloadArtifact,
 *   FileSystemArtifactStore,
 *   getAllArtifactMeta,
 *   uploadArtifact,
 * } from "@optuna-deno/artifacts";
 *
 * const dir = await Deno.makeTempDir();
 * const artifactStore = new FileSystemArtifactStore(dir);
 * const study = await createStudy({ studyName: "example" });
 * const trial = await study.ask();
 *
 * await Deno.writeTextFile(`${dir}/result.csv`, "x,y\n1,2\n");
 * const artifactId = await uploadArtifact({
 *   artifactStore,
 *   studyOrTrial: trial,
 *   filePath: `${dir}/result.csv`,
 * });
 * await study.tell(trial, { values: 0.5 });
 *
 * const [meta] = await getAllArtifactMeta(trial);
 * assert.deepEqual(meta, { artifactId, filename: "result.csv", mimetype: "text/csv", encoding: null });
 * await downloadArtifact({ artifactStore, artifactId, filePath: `${dir}/copy.csv` });
 * assert.equal(await Deno.readTextFile(`${dir}/copy.csv`), "x,y\n1,2\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./stores/types.ts";
export * from "./stores/errors.ts";
export * from "./stores/filesystem.ts";
export * from "./stores/memory.ts";
export * from "./middleware/backoff.ts";
export * from "./storages/types.ts";
export * from "./storages/errors.ts";
export * from "./storages/memory.ts";
export * from "./distributions/distributions.ts";
export * from "./distributions/json.ts";
export * from "./distributions/compatibility.ts";
export * from "./samplers/sampler.ts";
export * from "./samplers/random_sampler.ts";
export * from "./samplers/tpe_sampler.ts";
export * from "./study/study.ts";
export * from "./study/create_study.ts";
export * from "./study/trial.ts";
export * from "./study/trial_pruned.ts";
export * from "./study/study_or_trial.ts";
export * from "./helpers/types.ts";
export * from "./helpers/upload_artifact.ts";
export * from "./helpers/download_artifact.ts";
export * from "./helpers/get_all_artifact_meta.ts";
export * from "./helpers/remove_artifact.ts";
export * from "./helpers/verify_artifacts.ts";
export * from "./helpers/guess_mimetype.ts";
export * from "./helpers/safe_filename.ts";
