import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The repository root. */
export const ROOT = resolve(here, '../..');

/**
 * The public capture corpus kept in the repository (test/corpus/public, see its MANIFEST.md): third-party captures
 * whose licence allows redistribution, with tshark-made truth. GPL and LGPL files sit in sub-folders of their own.
 */
export const REPO_CORPUS = resolve(ROOT, 'test/corpus/public');

/**
 * ../shared/captures/public beside the repository, where it exists: the whole corpus, including the few captures whose
 * licence does not let them into the repository.
 */
export const SHARED_CORPUS = resolve(ROOT, '../shared/captures/public');

const CAPTURE_NAME = /\.(pcap|pcapng)$/;

/** Capture file name → path, looking through a folder and its direct sub-folders (the licence folders). */
function capturesUnder(folder: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!existsSync(folder)) return found;
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) {
      for (const inner of readdirSync(path)) if (CAPTURE_NAME.test(inner)) found.set(inner, join(path, inner));
    } else if (CAPTURE_NAME.test(entry)) {
      found.set(entry, path);
    }
  }
  return found;
}

/** Every public capture that can be read here, by name: the repository's copy first, then ../shared's. */
const PUBLIC_CAPTURE_PATHS: ReadonlyMap<string, string> = (() => {
  const paths = capturesUnder(SHARED_CORPUS);
  for (const [name, path] of capturesUnder(REPO_CORPUS)) paths.set(name, path);
  return new Map([...paths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
})();

export const HAVE_PUBLIC_CAPTURES = PUBLIC_CAPTURE_PATHS.size > 0;

/** Names of every public capture readable here, sorted. */
export function publicCaptureNames(): string[] {
  return [...PUBLIC_CAPTURE_PATHS.keys()];
}

/** The path of a public capture by its corpus name, or null when neither the repository nor ../shared holds it. */
export function publicCapture(name: string): string | null {
  return PUBLIC_CAPTURE_PATHS.get(name) ?? null;
}

/** Like publicCapture, for a capture the repository holds: a missing file is a broken checkout, so it throws. */
export function requirePublicCapture(name: string): string {
  const path = publicCapture(name);
  if (path === null) throw new Error(`public capture ${name} is neither in ${REPO_CORPUS} nor in ${SHARED_CORPUS}`);
  return path;
}

/** The tshark truth file beside a public capture (`<capture>.truth.json`), or null without the capture. */
export function publicTruth(name: string): string | null {
  const capture = publicCapture(name);
  return capture === null ? null : `${capture}.truth.json`;
}

/**
 * Keeps the names that can be read here, and says once, loudly, which ones cannot: the captures whose licence keeps
 * them out of the repository are read from ../shared only.
 */
export function availablePublicCaptures(suite: string, names: readonly string[]): string[] {
  const missing = names.filter((name) => !PUBLIC_CAPTURE_PATHS.has(name));
  if (missing.length > 0) {
    console.warn(`${suite}: ${missing.length} public capture(s) not here (not redistributable, ${SHARED_CORPUS} absent): ${missing.join(', ')}`);
  }
  return names.filter((name) => PUBLIC_CAPTURE_PATHS.has(name));
}

/** Says loudly, once per suite, that a suite has no public capture at all. */
export function warnIfNoPublicCaptures(suite: string): void {
  if (!HAVE_PUBLIC_CAPTURES) console.warn(`SKIPPED ${suite}: no public captures in ${REPO_CORPUS} or ${SHARED_CORPUS}`);
}
