/** Where the report tests find the project's captures and the built CLI. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
export const CAPTURES = path.join(REPO, 'captures');
export const TEST_ROOT_CA = path.join(CAPTURES, 'tlsdiag-test-root.pem');
/** The one-per-cause captures beside their sidecars; captures/matrix/ (a folder would include it) has its own test. */
export const PROJECT_CAPTURES = path.join(CAPTURES, '*.pcap');
export const CLI = path.join(REPO, 'bin/tlsdiag.js');
export const BUILT = existsSync(path.join(REPO, 'dist/bundle/tlsdiag.js')) && existsSync(path.join(REPO, 'dist/bundle/worker-entry.js'));

export interface Sidecar {
  capture: string;
  code: string | null;
  connections: number;
  /** 'established' when the handshake completes on the wire although the sidecar names a cause (a warning carries it) */
  outcome?: string;
}

/** The project's captures with their .expect.json sidecars. */
export function sidecars(): Sidecar[] {
  if (!existsSync(CAPTURES)) return [];
  return readdirSync(CAPTURES)
    .filter((f) => f.endsWith('.expect.json') && existsSync(path.join(CAPTURES, f.replace(/\.expect\.json$/, '.pcap'))))
    .sort()
    .map((f) => ({ capture: f.replace(/\.expect\.json$/, '.pcap'), ...(JSON.parse(readFileSync(path.join(CAPTURES, f), 'utf8')) as Omit<Sidecar, 'capture'>) }));
}

/** Failures per cause the sidecars promise. */
export function expectedCauseCounts(list: readonly Sidecar[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of list) {
    if (s.code === null || s.outcome === 'established') continue;
    counts[s.code] = (counts[s.code] ?? 0) + s.connections;
  }
  return counts;
}
