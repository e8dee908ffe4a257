// The routes of the artifact handler (optuna-dashboard's URLs), parsed and checked before
// anything is looked up, and the error that answers a request with a status other than 200.
import { isArtifactId } from "../stores/_artifact_id.ts";
import type { ArtifactAction, ArtifactHandlerOptions, ArtifactRequestTarget } from "./handler.ts";

/** An answer other than 200, with a message that is safe to show anyone. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export interface Route {
  action: ArtifactAction;
  study?: ArtifactRequestTarget["study"];
  /** An HTML page rather than JSON or bytes. */
  page?: boolean;
  trial?: ArtifactRequestTarget["trial"];
  artifactId?: string;
}

const METHODS: Record<ArtifactAction, string[]> = {
  read: ["GET", "HEAD"],
  list: ["GET", "HEAD"],
  write: ["POST"],
  delete: ["DELETE"],
};

/** The route a path names, checked before anything is looked up. */
export function parseRoute(path: string, method: string): Route {
  const parts = path.split("/");
  let segments: string[];
  try {
    segments = parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new HttpError(400, "The path holds a malformed percent-escape");
  }
  const choose = (routes: Partial<Record<string, Route>>): Route => {
    const found = Object.entries(routes).find(([, r]) => r && METHODS[r.action].includes(method));
    if (found) return found[1]!;
    const allowed = Object.values(routes).flatMap((r) => (r ? METHODS[r.action] : []));
    throw new HttpError(405, `Method ${method} is not allowed here`, { allow: allowed.join(", ") });
  };
  const [head, ...rest] = segments;
  if (segments.length === 1 && head === "") return choose({ list: { action: "list", page: true } });
  if (head === "ui" && rest[0] === "studies" && rest.length === 2) {
    return choose({
      list: { action: "list", page: true, study: { studyId: id(rest[1], "study id") } },
    });
  }
  if (head === "artifacts" && (rest.length === 2 || rest.length === 3)) {
    const study = { studyId: id(rest[0], "study id") };
    const trial = rest.length === 3 ? { trialId: id(rest[1], "trial id") } : undefined;
    return choose({ read: { action: "read", study, trial, artifactId: artifactId(rest.at(-1)!) } });
  }
  if (head === "api" && rest[0] === "artifacts" && rest.length >= 2 && rest.length <= 4) {
    const study = { studyId: id(rest[1], "study id") };
    // As optuna-dashboard: a number after the study is a trial id, anything else an artifact.
    const trialGiven = rest.length >= 3 && /^\d+$/.test(rest[2]);
    const trial = trialGiven ? { trialId: id(rest[2], "trial id") } : undefined;
    const last = rest.length === 4 || (rest.length === 3 && !trialGiven) ? rest.at(-1)! : undefined;
    if (last !== undefined) {
      return choose({ delete: { action: "delete", study, trial, artifactId: artifactId(last) } });
    }
    return choose({
      list: { action: "list", study, trial },
      write: { action: "write", study, trial },
    });
  }
  if (head === "studies" && rest.length >= 2) {
    const study = { studyName: name(rest[0]) };
    let tail = rest.slice(1);
    let trial: Route["trial"];
    if (tail[0] === "trials" && tail.length >= 3) {
      trial = { number: id(tail[1], "trial number") };
      tail = tail.slice(2);
    }
    if (tail[0] === "artifacts" && tail.length === 1) {
      return choose({
        list: { action: "list", study, trial },
        write: { action: "write", study, trial },
      });
    }
    if (tail[0] === "artifacts" && tail.length === 2) {
      const target = artifactId(tail[1]);
      return choose({
        read: { action: "read", study, trial, artifactId: target },
        delete: { action: "delete", study, trial, artifactId: target },
      });
    }
  }
  throw new HttpError(404, "No such route");
}

function id(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new HttpError(400, `The ${what} must be a decimal number below 10^15`);
  }
  return Number(text);
}

function artifactId(text: string): string {
  if (!isArtifactId(text)) throw new HttpError(400, "The artifact id is not valid");
  return text;
}

function name(text: string): string {
  // deno-lint-ignore no-control-regex
  if (text === "" || text.length > 512 || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new HttpError(400, "The study name is empty, too long or holds a control character");
  }
  return text;
}

/** The handler's path prefix, without a trailing slash. */
export function base(options: ArtifactHandlerOptions): string {
  return (options.basePath ?? "").replace(/\/+$/, "");
}
