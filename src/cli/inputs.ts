import { fstatSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expandGlob, hasGlob } from './glob.js';

/** File names that may hold a capture (the content decides; this only picks files out of folders). */
export const CAPTURE_NAME = /\.(pcap|pcapng|cap|dmp|ntar|pcap\d*)(\.gz)?$|\.gz$/i;

export interface ExpandedInputs {
  files: string[];
  /** paths that do not exist or cannot be listed, with the reason */
  missing: { path: string; reason: string }[];
}

/**
 * Expands command-line paths: files are taken as they are (whatever their name), folders are searched recursively
 * for capture-like names, in sorted order so runs are reproducible. A path that does not exist but holds `*` or `?`
 * is a glob (see glob.ts): the files it matches are taken whatever their name.
 */
export async function expandInputs(paths: readonly string[], namePattern: RegExp = CAPTURE_NAME): Promise<ExpandedInputs> {
  const files: string[] = [];
  const missing: ExpandedInputs['missing'] = [];
  for (const path of paths) {
    if (path === '-') {
      // standard input: a capture piped in (tcpdump -w -), read by the pipeline, not looked up on disk
      files.push(path);
      continue;
    }
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, namePattern, files);
      else files.push(path);
    } catch (error) {
      if (!hasGlob(path)) {
        missing.push({ path, reason: describeFsError(error) });
        continue;
      }
      const matches = await expandGlob(path);
      if (matches.length === 0) missing.push({ path, reason: 'no file matches this pattern' });
      // one by one: a glob can match more files than a call takes arguments
      for (const match of matches) files.push(match);
    }
  }
  return { files, missing };
}

/** Appends the files under `dir` whose names match to `out`, in sorted order. */
async function walk(dir: string, namePattern: RegExp, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, namePattern, out);
    else if (entry.isFile() && namePattern.test(entry.name)) out.push(full);
  }
}

/** A path left out because it names a file already taken under another path. */
export interface Duplicate {
  path: string;
  sameAs: string;
}

/** What makes a file itself: its device and inode (bigint: an inode number can pass 2^53), or null when unknown. */
async function identity(path: string): Promise<string | null> {
  try {
    // standard input is whatever fd 0 is: naming it as /dev/stdin too is the same input
    const info = path === '-' ? fstatSync(0, { bigint: true }) : await stat(path, { bigint: true });
    return `${info.dev}:${info.ino}`;
  } catch {
    return path === '-' ? '-' : null;
  }
}

/**
 * `files` with each real file once, in their order: a path that names a file already taken — the same path twice,
 * `f` and `./f`, a folder and a glob over it, a symbolic or hard link — is left out and returned as a duplicate, so no
 * connection is counted twice. A path that cannot be looked at is kept: its reader says why.
 */
export async function distinctFiles(files: readonly string[]): Promise<{ files: string[]; duplicates: Duplicate[] }> {
  const seen = new Map<string, string>();
  const kept: string[] = [];
  const duplicates: Duplicate[] = [];
  for (const path of files) {
    const id = await identity(path);
    const first = id === null ? undefined : seen.get(id);
    if (first !== undefined) {
      duplicates.push({ path, sameAs: first });
      continue;
    }
    if (id !== null) seen.set(id, path);
    kept.push(path);
  }
  return { files: kept, duplicates };
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return (error as Error)?.message ?? String(error);
}
