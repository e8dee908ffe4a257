// Study naming rules shared by every storage, as Optuna's.

/** Optuna's name for a study created without one: `no-name-<uuid4>`. */
export function studyNameOrDefault(studyName: string | undefined): string {
  return studyName ?? `no-name-${crypto.randomUUID()}`;
}

/** The error of creating a second study with a name (Optuna's `DuplicatedStudyError`). */
export function duplicatedStudyError(studyName: string): Error {
  return new Deno.errors.AlreadyExists(
    `Cannot create study "${studyName}": a study with that name exists; load it instead`,
  );
}
