// The study rows of Optuna's RDB tables (`studies`, `study_directions`): created, read and
// listed as Python's RDBStorage does.
import { DuplicatedStudyError, StudyNotFoundError } from "./errors.ts";
import type { RdbQuery } from "./rdb_driver.ts";
import type { FrozenStudy, StudyDirection } from "./types.ts";

/** Inserts a study and its directions, inside the caller's transaction; returns its id. */
export async function insertStudy(
  tx: RdbQuery,
  studyName: string,
  directions: StudyDirection[],
): Promise<number> {
  const taken = await tx.query("SELECT study_id FROM studies WHERE study_name = ?", [studyName]);
  if (taken.length > 0) throw new DuplicatedStudyError(studyName);
  const [row] = await tx.query("INSERT INTO studies (study_name) VALUES (?) RETURNING study_id", [
    studyName,
  ]);
  const studyId = Number(row.study_id);
  for (const [objective, direction] of directions.entries()) {
    await tx.query(
      "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
      [direction.toUpperCase(), studyId, objective],
    );
  }
  return studyId;
}

/** Reads one study, or throws {@linkcode StudyNotFoundError}. */
export async function readStudy(db: RdbQuery, studyId: number): Promise<FrozenStudy> {
  const studies = await db.query("SELECT study_name FROM studies WHERE study_id = ?", [studyId]);
  if (studies.length === 0) throw new StudyNotFoundError(studyId);
  const directions = await db.query(
    "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
    [studyId],
  );
  return {
    studyId,
    studyName: String(studies[0].study_name),
    directions: directions.map((row) => direction(row.direction)),
  };
}

/** A study's id by name, or {@linkcode StudyNotFoundError}. */
export async function readStudyId(db: RdbQuery, studyName: string): Promise<number> {
  const rows = await db.query("SELECT study_id FROM studies WHERE study_name = ?", [studyName]);
  if (rows.length === 0) throw new StudyNotFoundError(studyName);
  return Number(rows[0].study_id);
}

/** Reads every study, in id order: two queries whatever their number. */
export async function readAllStudies(db: RdbQuery): Promise<FrozenStudy[]> {
  const studies = await db.query("SELECT study_id, study_name FROM studies ORDER BY study_id");
  const directions = Map.groupBy(
    await db.query("SELECT study_id, direction FROM study_directions ORDER BY study_id, objective"),
    (row) => Number(row.study_id),
  );
  return studies.map((row) => ({
    studyId: Number(row.study_id),
    studyName: String(row.study_name),
    directions: (directions.get(Number(row.study_id)) ?? []).map((d) => direction(d.direction)),
  }));
}

function direction(value: unknown): StudyDirection {
  return value === "MAXIMIZE" ? "maximize" : "minimize";
}
