/**
 * Glob patterns for input paths, for when the shell did not expand them (quoted, or from a cron line): `*` and `?`
 * within one path segment, `**` as a whole segment for any number of folders. Node 20 has no fs.glob.
 */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

const WILDCARD = /[*?]/;

export function hasGlob(path: string): boolean {
  return WILDCARD.test(path);
}

function segmentSource(segment: string): string {
  let out = '';
  for (const char of segment) {
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** A regular expression for `pattern` matched against '/'-separated paths relative to where it is applied. */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/').filter((s) => s !== '');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') source += last ? '(?:[^/]+/)*[^/]+' : '(?:[^/]+/)*';
    else source += segmentSource(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

async function listFiles(dir: string, prefix: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await listFiles(join(dir, entry.name), relative, out);
    else if (entry.isFile()) out.push(relative);
  }
}

/**
 * The files `pattern` matches, sorted. The folders before its first wildcard are where the search starts; only files
 * are returned (a pattern naming folders is written `dir/**`).
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const normalised = sep === '/' ? pattern : pattern.split(sep).join('/');
  const segments = normalised.split('/');
  const firstWild = segments.findIndex((s) => hasGlob(s));
  if (firstWild < 0) return [];
  const baseSegments = segments.slice(0, firstWild);
  const base = baseSegments.length === 0 ? '.' : baseSegments.join('/') || '/';
  const matcher = globToRegExp(segments.slice(firstWild).join('/'));
  const relatives: string[] = [];
  await listFiles(base, '', relatives);
  return relatives.filter((r) => matcher.test(r)).map((r) => (baseSegments.length === 0 ? r : join(base, r)));
}
