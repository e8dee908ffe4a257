// The HTML index the handler serves: every study, or one study's artifacts and its trials'.
import { takeBytes } from "../_common/stream.ts";
import { studiesPage, studyPage } from "./_index_html.ts";
import { getAllArtifactMeta } from "../helpers/get_all_artifact_meta.ts";
import type { ArtifactMeta } from "../helpers/types.ts";
import { ArtifactNotFoundError } from "../stores/errors.ts";
import { StudyNotFoundError } from "../storages/errors.ts";
import type { ArtifactStore } from "../stores/types.ts";
import type { StudyOrTrial } from "../study/study_or_trial.ts";
import type { ArtifactHandlerOptions } from "./handler.ts";
import { base, HttpError, type Route } from "./_routes.ts";

const PREVIEW_BYTES = 2048;

/** The HTML index: every study, or one study's artifacts and its trials'. */
export async function htmlPage(options: ArtifactHandlerOptions, route: Route): Promise<Response> {
  const { storage } = options;
  const prefix = base(options);
  const html = (text: string) =>
    new Response(text, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
      },
    });
  if (!route.study) return html(studiesPage(prefix, await storage.getAllStudies()));
  const studyId = (route.study as { studyId: number }).studyId;
  let study;
  try {
    study = await storage.getStudy(studyId);
  } catch (error) {
    if (error instanceof StudyNotFoundError) throw new HttpError(404, "No such study");
    throw error;
  }
  const shown = async (target: StudyOrTrial, path: string) =>
    await Promise.all(
      (await getAllArtifactMeta(target, { onInvalidEntry() {} })).map(async (meta) => ({
        meta,
        url: `${prefix}/artifacts/${path}/${meta.artifactId}`,
        preview: previewable(meta)
          ? await preview(options.artifactStore, meta.artifactId)
          : undefined,
      })),
    );
  const trials = [];
  for (const trial of await storage.getAllTrials(studyId)) {
    trials.push({
      trial,
      artifacts: await shown({ trialId: trial.trialId, storage }, `${studyId}/${trial.trialId}`),
    });
  }
  return html(studyPage({
    base: prefix,
    study,
    studyArtifacts: await shown({ studyId, storage }, String(studyId)),
    trials,
    uploadUrl: options.allowWrites
      ? (trial) => `${prefix}/api/artifacts/${studyId}${trial ? `/${trial.trialId}` : ""}`
      : undefined,
  }));
}

function previewable(meta: ArtifactMeta): boolean {
  return !meta.encoding &&
    (meta.mimetype.startsWith("text/") || /\/(json|csv|x-yaml|yaml)$/.test(meta.mimetype));
}

/** The first bytes of a text artifact, as text; nothing when the blob is missing. */
async function preview(store: ArtifactStore, artifactId: string): Promise<string | undefined> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await store.open(artifactId);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return undefined;
    throw error;
  }
  const bytes = new Uint8Array(
    await new Response(takeBytes(stream, PREVIEW_BYTES)).arrayBuffer(),
  );
  return new TextDecoder().decode(bytes);
}
