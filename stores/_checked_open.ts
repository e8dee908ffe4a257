// How the file-system store finds an artifact's file safely: the id's path checked against the
// base directory (a symbolic link may not lead outside it), and the file opened checked to be
// the one approved (device and inode), starting over when it was replaced in between.
import { nodeBuiltin } from "../_common/node_builtin.ts";
import { ArtifactNotFoundError, ArtifactPathEscapeError } from "./errors.ts";
import { validateArtifactId } from "./_artifact_id.ts";
import { pinFile, type PinnedFile } from "../_common/kernel_copy.ts";
import { isNotFound, lstat, openFile, realPath } from "../_common/fs.ts";
import type { LocalFile, LocalFileInfo } from "../_common/types.ts";

// How often open() starts over when the file it opened is not the one it checked: a
// concurrent overwrite (a rename) changes the file too, so a few tries are normal.
const OPEN_ATTEMPTS = 5;

/** The identity of a checked file: the one `open` must get. */
export interface Checked {
  path: string;
  info?: LocalFileInfo;
}

/** A file opened for reading, with what identifies it. */
export interface Opened {
  dev: number;
  ino: number;
  isFile: boolean;
  size: number;
  close(): void;
}

/** Opens a file for reading. */
export async function openFsFile(path: string): Promise<Opened & { file: LocalFile }> {
  const file = await openFile(path, { read: true });
  try {
    const { dev, ino, isFile, size } = await file.stat();
    return { file, dev, ino: ino!, isFile, size, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

/** Opens a file pinned for a kernel copy where the system allows, else as a plain file. */
export async function openForCopy(
  path: string,
): Promise<Opened & ({ pinned: PinnedFile } | { file: LocalFile })> {
  const pinned = pinFile(path);
  if (!pinned) return await openFsFile(path);
  const { dev, ino, isFile, size } = pinned;
  return { pinned, dev, ino, isFile, size, close: () => pinned.close() };
}

/**
 * Opens an artifact's file and checks that it is the file `checkArtifactPath` approved (device and
 * inode), starting over when it was replaced in between.
 */
export async function openChecked<T extends Opened>(
  basePath: string,
  artifactId: string,
  open: (path: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    const checked = await checkArtifactPath(basePath, artifactId);
    let opened: T;
    try {
      opened = await open(checked.path);
    } catch (error) {
      if (isNotFound(error)) throw notFound(basePath, artifactId, error);
      throw error;
    }
    if (sameFile(opened, checked.info)) {
      if (opened.isFile) return opened;
      opened.close();
      throw notFound(basePath, artifactId);
    }
    // Replaced between the check and the open: check again what is there now.
    opened.close();
    if (attempt === OPEN_ATTEMPTS) {
      throw new Error(
        `Cannot open artifact "${artifactId}" in "${basePath}": its file was replaced ` +
          `${OPEN_ATTEMPTS} times while being opened; retry`,
      );
    }
  }
}

/**
 * Validates the id and returns its path with what is there now (no `info` when nothing is),
 * refusing a symbolic link that leads outside the base directory.
 */
export async function checkArtifactPath(basePath: string, artifactId: string): Promise<Checked> {
  validateArtifactId(artifactId);
  const { isAbsolute, join, relative } = nodeBuiltin("node:path");
  const path = join(basePath, artifactId);
  let info: LocalFileInfo;
  try {
    info = await lstat(path);
  } catch (error) {
    if (isNotFound(error)) return { path };
    throw error;
  }
  if (!info.isSymlink) return { path, info };
  let target: string;
  try {
    target = await realPath(path);
  } catch (error) {
    // A dangling link: reads find nothing, and a write's rename replaces the link itself.
    if (isNotFound(error)) return { path };
    throw error;
  }
  const base = await realPath(basePath);
  const rel = relative(base, target);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new ArtifactPathEscapeError(artifactId, target, basePath);
  }
  try {
    // lstat: if the target itself became a link since, it is not the file that was checked.
    return { path, info: await lstat(target) };
  } catch (error) {
    if (isNotFound(error)) return { path };
    throw error;
  }
}

function notFound(basePath: string, artifactId: string, cause?: unknown): ArtifactNotFoundError {
  return new ArtifactNotFoundError(artifactId, { location: basePath, cause });
}

function sameFile(opened: Opened, checked: LocalFileInfo | undefined): boolean {
  return checked !== undefined && opened.dev === checked.dev && opened.ino === checked.ino;
}
