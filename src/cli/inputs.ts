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
      if (info.isDirectory()) files.push(...(await walk(path, namePattern)));
      else files.push(path);
    } catch (error) {
      if (!hasGlob(path)) {
        missing.push({ path, reason: describeFsError(error) });
        continue;
      }
      const matches = await expandGlob(path);
      if (matches.length === 0) missing.push({ path, reason: 'no file matches this pattern' });
      files.push(...matches);
    }
  }
  return { files, missing };
}

async function walk(dir: string, namePattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, namePattern)));
    else if (entry.isFile() && namePattern.test(entry.name)) out.push(full);
  }
  return out;
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return (error as Error)?.message ?? String(error);
}
