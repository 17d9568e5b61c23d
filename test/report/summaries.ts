import type { RecordSummary } from '../../src/report/types.js';

let counter = 0;

/** A connection summary with defaults; only what a test is about needs saying. */
export function summary(overrides: Partial<RecordSummary> = {}): RecordSummary {
  counter++;
  const failed = overrides.outcome === 'failed' || (overrides.outcome === undefined && overrides.cause != null);
  return {
    capture: 'night.pcap',
    id: `c${counter}`,
    clientIp: '192.0.2.10',
    clientPort: 40000 + (counter % 20000),
    serverIp: '198.51.100.1',
    serverPort: 443,
    sni: 'www.example.test',
    firstTs: 1_700_000_000 + counter,
    outcome: failed ? 'failed' : 'established',
    cause: null,
    title: failed ? `title of ${overrides.cause}` : null,
    confidence: failed ? 'high' : null,
    ...overrides,
  } as RecordSummary;
}
