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

/**
 * `*` (any run) and `?` (one character) of one path segment against `name`, by the two-pointer walk that remembers
 * only the last star: when a later literal fails, that star takes one more character and the walk goes on from there.
 * At most pattern × name steps, whatever the pattern — a regular expression built from `*a*a*a*a*a*a*a*b` backtracked
 * for seconds on a long name.
 */
function matchSegment(pattern: readonly string[], name: readonly string[], work: { steps: number }): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    work.steps++;
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export interface GlobMatcher {
  /** the '/'-separated relative path matches the pattern */
  test(path: string): boolean;
  /** characters compared so far, over all tests (the work is bounded by pattern × path; tests count it) */
  readonly steps: number;
}

/**
 * A matcher for `pattern` against '/'-separated paths relative to where it is applied: `*` and `?` within one segment,
 * `**` as a whole segment for any number of folders (at the end: one or more names). Segments are matched in one
 * pass over the pattern, keeping for each path position whether the pattern so far can end there (no backtracking).
 */
export function globMatcher(pattern: string): GlobMatcher {
  const segments = pattern.split('/').filter((s) => s !== '').map((s) => (s === '**' ? null : Array.from(s)));
  const work = { steps: 0 };
  return {
    get steps() {
      return work.steps;
    },
    test(path: string): boolean {
      const parts = path.split('/').map((p) => Array.from(p));
      let reach: boolean[] = new Array<boolean>(parts.length + 1).fill(false);
      reach[0] = true;
      segments.forEach((segment, i) => {
        const next: boolean[] = new Array<boolean>(parts.length + 1).fill(false);
        if (segment === null) {
          // any number of whole names: zero or more in the middle, one or more at the end
          const last = i === segments.length - 1;
          let seen = false;
          for (let j = 0; j <= parts.length; j++) {
            if (last) next[j] = seen;
            if (reach[j]) seen = true;
            if (!last) next[j] = seen;
            if (j < parts.length && parts[j].length === 0) seen = false;
          }
        } else {
          for (let j = 0; j < parts.length; j++) if (reach[j] && matchSegment(segment, parts[j], work)) next[j + 1] = true;
        }
        reach = next;
      });
      return reach[parts.length];
    },
  };
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
  const matcher = globMatcher(segments.slice(firstWild).join('/'));
  const relatives: string[] = [];
  await listFiles(base, '', relatives);
  return relatives.filter((r) => matcher.test(r)).map((r) => (baseSegments.length === 0 ? r : join(base, r)));
}
