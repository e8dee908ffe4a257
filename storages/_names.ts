// Study naming rules shared by every storage, as Optuna's.

/** Optuna's name for a study created without one: `no-name-<uuid4>`. */
export function studyNameOrDefault(studyName: string | undefined): string {
  return studyName ?? `no-name-${crypto.randomUUID()}`;
}
