/**
 * Optuna artifacts for Deno: save the output files of an optimization (plots, checkpoints,
 * logs) in an artifact store and record them in the study's Optuna storage, byte-compatible
 * with Python's `optuna.artifacts`, so Python Optuna and optuna-dashboard see them as their
 * own. The same package runs on Deno, Node.js 22.5+ and Bun 1.4: on Node.js and Bun the file
 * system is reached through `node:fs` (no `flock`, so a dead write's temporary file is told by its
 * age alone), and "not found" and "exists" errors carry `code` "ENOENT" and "EEXIST" as on Deno.
 *
 * Artifact stores: {@linkcode FileSystemArtifactStore} (Optuna's folder layout) and
 * {@linkcode InMemoryArtifactStore}. Study storage: {@linkcode InMemoryStorage}.
 *
 * ## Trials, samplers and Python workers
 *
 * A Deno objective is an Optuna trial: `trial.suggestFloat(name, low, high, { log?, step? })`,
 * `suggestInt(name, low, high, { log?, step? })` and `suggestCategorical(name, choices)` (`null`,
 * booleans, numbers, strings) validate as Python does (`low > high`, `log` with `step`, `log` at
 * `low <= 0`, a step that does not divide the range lowers `high` as Python's adjustment), return the
 * recorded value when a name is suggested again, and throw `IncompatibleDistributionError` for another
 * distribution under it. `trial.report(value, step)`, `setUserAttr`, `trial.params` and
 * `study.enqueueTrial(params, { userAttrs, skipIfExists })`, `addTrial`, `bestParams`, `bestValue`,
 * `stop()` are Optuna's. `study.optimize(objective, { nTrials, timeout, catch, callbacks, signal })`
 * tells a returned number COMPLETE, a NaN or a thrown error FAIL (rethrown unless `catch` names its
 * class), `TrialPruned` PRUNED with the last reported value.
 *
 * Parameters are stored as Python stores them: journal op 5 with `distribution_to_json` byte for byte,
 * RDB `trial_params` and `trial_intermediate_values`, the gRPC proxy's `SetTrialParameter`. Every
 * distribution class Python 5.0.0 reads is read, the legacy `Uniform`, `LogUniform`,
 * `DiscreteUniform`, `IntUniform` and `IntLogUniform` ones included (`tests/testdata/` has a study
 * Python wrote with each). `study.ask()` takes the oldest WAITING trial first (Python's
 * `enqueue_trial`) and claims it as Python does: a row-locked WAITING → RUNNING update on RDB, the
 * first RUNNING operation in log order on a journal; a lost race moves on to the next. In the tests, 2
 * Deno and 2 Python worker processes share one study on PostgreSQL and on a journal while Python
 * enqueues 50 trials: each runs exactly once with its fixed parameters.
 *
 * Samplers (`Sampler` is the interface a user's own implements):
 *
 * - `RandomSampler({ seed })`: numpy's MT19937 `RandomState`, so a seed gives Python's draws.
 * - `TPESampler({ seed, nStartupTrials: 10, nEiCandidates: 24, multivariate, constantLiar,
 *   considerEndpoints, priorWeight, gamma, weights })`:
 *   ported from Optuna 5.0.0's `optuna/samplers/_tpe` (Parzen estimators with its bandwidth rule,
 *   magic clip, prior and weights, the truncated normal with its Newton steps, Aitchison-Aitken
 *   categorical kernel, univariate and multivariate). With a seed, Deno suggests Python's parameters
 *   for the same objective (`tests/samplers/`: 60 trials x 4 runs, floats equal to 1e-12; V8's
 *   `Math.exp`/`log` and glibc's differ in the last bit for some inputs). the benchmark report (`bench/results/report.md`, TPE quality) compares the two on three functions.
 *
 * Not ported: multi-objective TPE, constraints, pruners (a trial can still raise `TrialPruned`), other
 * samplers (CMA-ES, GP, NSGA-II), `study.trials_dataframe`. Differences: a tell on a finished trial
 * throws `UpdateFinishedTrialError` (Python's `ValueError`); numpy 2's default argsort orders ties by
 * the CPU's SIMD path, so on discrete spaces Python's runs on one CPU can part from Deno's (and from
 * Python's on another CPU) after some trials.
 *
 * ## Retries: `Backoff`
 *
 * `new Backoff(store, options)` wraps any store and is itself an `ArtifactStore`, with Python Optuna's
 * defaults: `maxRetries` 10 (attempts in all, as Optuna counts them), `multiplier` 2, `minDelay` 0.1
 * s, `maxDelay` 30 s; after failed attempt `n` (from 0) it waits
 * `min(minDelay * multiplier ** n, maxDelay)`.
 *
 * ```ts ignore
 * import { Backoff } from "jsr:@optuna-deno/artifacts";
 * import { S3ArtifactStore } from "jsr:@optuna-deno/artifacts/s3";
 *
 * const artifactStore = new Backoff(new S3ArtifactStore("optuna-artifacts"), {
 *   jitter: 0.5, // spread the delays of many workers (default 0: Optuna's fixed delays)
 *   onRetry: ({ operation, artifactId, attempt, delay, error }) =>
 *     console.warn(
 *       `${operation} ${artifactId}: attempt ${attempt} failed (${error}); retry in ${delay}s`,
 *     ),
 * });
 * ```
 *
 * - Never retried: `ArtifactNotFoundError`, invalid ids, path escapes, bad offsets, aborts.
 *   `retryIf(error, info)` narrows further; `signal` cancels every wait at once; `sleep` can be
 *   replaced (the tests never sleep for real).
 * - `write` calls a stream factory again for each attempt. A bare stream is retried only while nothing
 *   has been read from it; after that the write fails with `StreamConsumedError`, which says to pass a
 *   factory. (Optuna rewinds a file object instead.)
 * - A stream from `open` that breaks part-way is re-opened at the byte it reached
 *   (`open(id, { offset })`), within the same budget: the reader sees one uninterrupted stream.
 * - `remove` stops at its first success (Optuna 5.0's `Backoff.remove` calls the store again after a
 *   success).
 * - Proven against injected faults: `tests/middleware/backoff_faults_test.ts` runs 100 uploads and 100
 *   downloads of up to 16 MiB through a fault-injecting proxy (500, 503 SlowDown, resets before the
 *   response and in the middle of a body) in front of s3rver, and checks every byte; the same traffic
 *   without `Backoff` fails.
 *
 * ## API, next to Python's `optuna.artifacts`
 *
 * - `uploadArtifact({ artifactStore, studyOrTrial, filePath | body+filename, mimetype?,
 *   encoding?, storage?, signal?, onProgress?, digest? })` → id: Python
 *   `upload_artifact(artifact_store=, file_path=, study_or_trial=, storage=, mimetype=,
 *   encoding=)`. `body` may be a `ReadableStream`, `Uint8Array`, `Blob` or string. Blob first
 *   (synced on a file system), then metadata (Python does the reverse); the blob is removed only
 *   when the metadata is known not to be there.
 * - `downloadArtifact({ artifactStore, artifactId, filePath, signal?, onProgress?, sync?,
 *   studyOrTrial?, storage?, checkDigest? })`: Python `download_artifact(artifact_store=,
 *   artifact_id=, file_path=)`. Refuses an existing target (`Deno.errors.AlreadyExists`); writes a
 *   temporary file, syncs it and links it into place, so a failed or aborted download leaves no
 *   file; with `studyOrTrial`, checks the recorded digest (XXH3-128 or SHA-256) first (`ArtifactCorruptedError`).
 * - `getAllArtifactMeta(studyOrTrial, { storage?, onInvalidEntry? })` → `ArtifactMeta[]`: Python
 *   `get_all_artifact_meta(study_or_trial, storage=)`. Skips optuna-dashboard's `null` tombstones
 *   (Python raises `TypeError` on them) and reports, rather than throws on, malformed entries.
 * - `getAllTrialsArtifactMeta(study, { storage?, onInvalidEntry? })` → `{ trialId, number, state,
 *   artifacts }[]`: no Python function (optuna-dashboard reads `get_trials()` and their
 *   `system_attrs`). Every trial of a study in one read where the storage has
 *   `getAllTrialsWithSystemAttrs` (all of this module's): a journal is checked once, a database
 *   queried a fixed number of times, only the `artifacts:` attributes copied.
 * - `removeArtifact({ artifactStore, studyOrTrial, artifactId, storage?, signal? })`: no Python
 *   function (optuna-dashboard's delete). Deletes the attribute (memory, SQLite, PostgreSQL) or,
 *   in a journal, writes the dashboard's tombstones; then removes the blob. Refused for a finished
 *   trial.
 * - `verifyArtifacts({ artifactStore, studyOrTrial, storage?, includeTrials?, checkDigests?,
 *   findOrphans?, removeOrphansOlderThan?, signal?, onProgress? })` → `VerifyReport`: no Python
 *   equivalent. See docs/integrity.md.
 * - `FileSystemArtifactStore(basePath, { sync? })`, `.removeStaleTempFiles({ olderThan? })`:
 *   Python `FileSystemArtifactStore(base_path)`. Same flat layout `<basePath>/<artifactId>`;
 *   atomic, synced writes; ids that escape the folder (also through a symlink, also swapped during
 *   an open) are refused.
 * - `InMemoryArtifactStore()`: no Python equivalent. For tests and short-lived workers.
 * - `S3ArtifactStore(bucket, { client, keyPrefix, checksum, partSize, queueSize, singlePutMaxSize,
 *   fetchReads })` (`./s3`): Python `Boto3ArtifactStore(bucket_name, client)`. Streams both ways (see `./s3`).
 * - `GCSArtifactStore(bucket, { client, keyPrefix })` (`./gcs`): Python
 *   `GCSArtifactStore(bucket_name, client)`. Streams both ways (see `./gcs`).
 * - `Backoff(store, { maxRetries, multiplier, minDelay, maxDelay, jitter, retryIf, onRetry, signal
 *   })`: Python `Backoff(backend, max_retries=, multiplier=, min_delay=, max_delay=)`. Retries
 *   factories, resumes reads (see Retries above).
 * - `ArtifactStore` (`open(id, { offset, length, signal })`, `write(id, streamOrFactory, {
 *   contentLength, contentType, signal })`, `remove(id)`, optional `stat(id)`, `list()`,
 *   `presign(id)`, `writeFile(id, path)`, `copyToFile(id, path)`, `openFile(id)`): Python
 *   `ArtifactStore` protocol (`open_reader`, `write`, `remove`). Web streams; `open` honours a
 *   byte offset; `remove` of a missing artifact is not an error; `stat` gives a size for progress
 *   totals; `list` finds orphans; `presign` makes download URLs; the file fast paths serve local
 *   copies.
 * - `InMemoryStorage`, `JournalFileStorage` (`./journal`), `SqliteStorage` (`./sqlite`),
 *   `PostgresStorage` (`./postgres`), `StudyStorage`: Python `InMemoryStorage`, `JournalStorage`,
 *   `RDBStorage`, `BaseStorage`. The part of `BaseStorage` artifacts and trials need, async, in camelCase (see each
 *   storage's module).
 * - `createStudy`, `loadStudy`, `Study.ask/tell/optimize/enqueueTrial/bestParams`,
 *   `Trial.suggestFloat/suggestInt/suggestCategorical/report`: Python `create_study`,
 *   `load_study`, `Study`, `Trial` (see Trials above).
 * - `RandomSampler`, `TPESampler`, `Sampler`; `FloatDistribution`, `IntDistribution`,
 *   `CategoricalDistribution`, `distributionToJson`, `distributionFromJson`: Python
 *   `optuna.samplers`, `optuna.distributions`. Ported from Optuna 5.0.0.
 * - `guessMimetype(filename)`: Python `mimetypes.guess_type` (see MIME types below).
 * - `safeFilename(recordedName)`: no Python equivalent. The base name of a recorded file name,
 *   refusing empty, `.`, `..` and control characters: use it wherever a recorded name becomes a
 *   path.
 *
 * A study or trial is given as the `Study` / `Trial` objects above or as a plain
 * `{ studyId, storage }` / `{ trialId, storage }`. Errors are typed and caught by class:
 * `ArtifactNotFoundError`, `InvalidArtifactIdError`, `ArtifactPathEscapeError`,
 * `ArtifactCorruptedError`, `UpdateFinishedTrialError`, `StudyNotFoundError`, `TrialNotFoundError`,
 * `DuplicatedStudyError`, `StorageFormatError`, `StreamConsumedError`; a missing source file is
 * `Deno.errors.NotFound`, an existing download target `Deno.errors.AlreadyExists`. Argument errors
 * (`InvalidArtifactIdError`, a bad offset or option) extend `TypeError` or `RangeError`.
 *
 * ### Artifact ids
 *
 * Every store accepts the same ids: non-empty, at most 255 bytes of UTF-8, no `/`, `\`, NUL or other
 * control character, not `.` or `..`, and not starting with `.optuna-deno-` (the prefix of temporary
 * files, which can therefore never be opened, listed or removed as artifacts). Generated ids are
 * lowercase UUIDv4 (`crypto.randomUUID()`), the only form optuna-dashboard serves.
 *
 * ### MIME types and encodings
 *
 * The guess follows Python's `mimetypes.guess_type` rules exactly (`.tgz` = `.tar.gz`, `.svgz` =
 * `.svg.gz`, a case-sensitive trailing `.gz`/`.bz2`/`.xz`/`.br`/`.Z` is the encoding, the extension
 * before it gives the type), and Python 3.11's built-in table wins, so every guess Python makes is
 * made the same way (`tests/helpers/guess_mimetype_test.ts` checks all of
 * `tests/testdata/vectors.json`). **Deliberate difference**: where Python's table has no answer, the
 * `mime` npm package's database gives one, for example `.md` → `text/markdown`, `.webp` →
 * `image/webp`, `.yaml` → `text/yaml`, `.ogg` → `audio/ogg`, `.ipynb` → `application/x-ipynb+json`,
 * `.GZ` (upper case, not an encoding to Python) → `application/gzip`; Python would record
 * `application/octet-stream`. Pass `mimetype` to force a value.
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
