// Studies as the gRPC proxy's replies carry them: directions by their enum number.
import { STUDY_DIRECTIONS } from "./_grpc_schema.ts";
import type { Reply } from "./_grpc_channel.ts";
import type { FrozenStudy } from "./types.ts";

/** The directions of a `GetStudyDirections` reply or of a study message. */
export function directionsOf(message: Reply): FrozenStudy["directions"] {
  return (message.directions as number[]).map((d) => STUDY_DIRECTIONS[d]);
}

/** The studies of a `GetAllStudies` reply, in id order. */
export function studiesOf(reply: Reply): FrozenStudy[] {
  return (reply.studies as Reply[])
    .map((s) => ({
      studyId: Number(s.studyId),
      studyName: String(s.studyName),
      directions: directionsOf(s),
    }))
    .sort((a, b) => a.studyId - b.studyId);
}
