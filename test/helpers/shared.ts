import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const ROOT = resolve(here, '../..');

/** ../shared/captures/public beside the repository: real third-party captures with tshark-made truth. */
export const PUBLIC_CAPTURES = resolve(ROOT, '../shared/captures/public');

export const HAVE_PUBLIC_CAPTURES = existsSync(PUBLIC_CAPTURES);

/** Says loudly, once per suite, that a suite is skipped because ../shared is absent. */
export function warnIfNoPublicCaptures(suite: string): void {
  if (!HAVE_PUBLIC_CAPTURES) {
    console.warn(`SKIPPED ${suite}: ${PUBLIC_CAPTURES} is absent (the public capture corpus lives in ../shared beside the repo)`);
  }
}
