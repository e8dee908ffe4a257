// The handler's HTML pages: studies at the root, then a study's artifacts and its trials'.
// Server-rendered, no script, every value escaped.
import type { ArtifactMeta } from "../helpers/types.ts";
import type { FrozenStudy, FrozenTrial } from "../storages/types.ts";

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
img.artifact{max-width:24em;max-height:16em;display:block;border:1px solid #ccc}
pre.preview{max-height:12em;overflow:auto;background:#f6f6f6;padding:.5em;margin:.3em 0}
form{margin:.5em 0}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>`;
}

/** The root page: every study, each a link to its page. */
export function studiesPage(base: string, studies: FrozenStudy[]): string {
  const rows = studies.map((s) =>
    `<tr><td><a href="${escapeHtml(`${base}/ui/studies/${s.studyId}`)}">` +
    `${escapeHtml(s.studyName)}</a></td><td>${s.studyId}</td>` +
    `<td>${escapeHtml(s.directions.join(", "))}</td></tr>`
  ).join("");
  return page(
    "Optuna artifacts",
    `<h1>Studies</h1><table><tr><th>name</th><th>id</th><th>directions</th></tr>${rows}</table>`,
  );
}

/** An artifact as the study page shows it, with an optional text preview. */
export interface ShownArtifact {
  meta: ArtifactMeta;
  url: string;
  preview?: string;
}

/** One study's page: its artifacts, then each trial's, with an upload form where allowed. */
export function studyPage(options: {
  study: FrozenStudy;
  studyArtifacts: ShownArtifact[];
  trials: Array<{ trial: FrozenTrial; artifacts: ShownArtifact[] }>;
  uploadUrl?: (trial?: FrozenTrial) => string;
  base: string;
}): string {
  const { study, uploadUrl } = options;
  const form = (trial?: FrozenTrial) =>
    uploadUrl && (!trial || trial.state === "RUNNING" || trial.state === "WAITING")
      ? `<form method="post" enctype="multipart/form-data" action="${
        escapeHtml(uploadUrl(trial))
      }"><input type="file" name="file" required> <button>Upload</button></form>`
      : "";
  const sections = [
    `<p><a href="${escapeHtml(`${options.base}/`)}">All studies</a></p>`,
    `<h1>${escapeHtml(study.studyName)}</h1>`,
    `<h2>Study artifacts</h2>${artifactTable(options.studyArtifacts)}${form()}`,
    ...options.trials.map(({ trial, artifacts }) =>
      `<h2 id="trial-${trial.number}">Trial ${trial.number} <small>${escapeHtml(trial.state)}${
        trial.values ? ` ${escapeHtml(trial.values.join(", "))}` : ""
      }</small></h2>${paramsLine(trial)}` +
      `${artifactTable(artifacts)}${form(trial)}`
    ),
  ];
  return page(`${study.studyName}: Optuna artifacts`, sections.join(""));
}

/** A trial's parameters, `name = value` with strings bare, as optuna-dashboard lists them. */
function paramsLine(trial: FrozenTrial): string {
  const entries = Object.entries(trial.params);
  if (entries.length === 0) return "";
  return `<p class="params">${
    entries.map(([name, value]) =>
      `${escapeHtml(name)} = <code>${
        escapeHtml(typeof value === "string" ? value : JSON.stringify(value))
      }</code>`
    ).join(", ")
  }</p>`;
}

function artifactTable(artifacts: ShownArtifact[]): string {
  if (artifacts.length === 0) return "<p>No artifacts.</p>";
  const rows = artifacts.map(({ meta, url, preview }) => {
    const link = `<a href="${escapeHtml(url)}">${escapeHtml(meta.filename)}</a>`;
    const inline = meta.mimetype.startsWith("image/") && !meta.encoding
      ? `<img class="artifact" src="${escapeHtml(url)}" alt="${escapeHtml(meta.filename)}">`
      : preview !== undefined
      ? `<pre class="preview">${escapeHtml(preview)}</pre>`
      : "";
    return `<tr><td>${link}${inline}</td><td>${escapeHtml(meta.mimetype)}</td>` +
      `<td><code>${escapeHtml(meta.artifactId)}</code></td></tr>`;
  }).join("");
  return `<table><tr><th>file</th><th>type</th><th>id</th></tr>${rows}</table>`;
}
