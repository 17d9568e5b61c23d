/** Confidence in reports: counts stay by primary cause, each cause says how sure its diagnoses were. */
import { describe, expect, it } from 'vitest';
import { diagnosisLines } from '../../src/cli/output/text.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Aggregator } from '../../src/report/aggregator.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { summarizeNdjsonLine } from '../../src/report/summary.js';
import { clientRejectsUntrusted } from './confidence-records.js';
import { summary } from './summaries.js';

describe('report confidence', () => {
  const aggregate = () => {
    const aggregator = new Aggregator();
    aggregator.add(summary({ cause: 'certificate-untrusted', confidence: 'low' }));
    aggregator.add(summary({ cause: 'certificate-untrusted', confidence: 'low' }));
    aggregator.add(summary({ cause: 'certificate-untrusted', confidence: 'high' }));
    aggregator.add(summary({ cause: 'server-timeout', confidence: 'medium' }));
    return aggregator.report();
  };
  it('counts failures by primary cause and by confidence within it', () => {
    const causes = aggregate().causes;
    expect(causes.map((c) => [c.code, c.count, c.confidence])).toEqual([
      ['certificate-untrusted', 3, { high: 1, medium: 0, low: 2 }],
      ['server-timeout', 1, { high: 0, medium: 1, low: 0 }],
    ]);
  });
  it('shows a confidence column in Markdown and confidence counts in CSV', () => {
    const report = aggregate();
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| Cause | Failures | Confidence |');
    expect(markdown).toMatch(/\| certificate-untrusted \| 3 \| 1 high · 2 low \|/);
    const csv = renderCsv(report).split('\r\n');
    expect(csv[0]).toContain('failures,confidence_high,confidence_medium,confidence_low');
    expect(csv.find((line) => line.includes(',certificate-untrusted,'))).toMatch(/,3,1,0,2,/);
  });
  it('reads confidence from NDJSON records, and counts a record from before confidence existed as medium', () => {
    const line = (diagnosis: object) =>
      JSON.stringify({ capture: 'a.pcap', id: 'c1', client: { ip: '192.0.2.1', port: 1 }, server: { ip: '192.0.2.2', port: 443 }, firstTs: 1, outcome: 'failed', diagnosis });
    const fresh = summarizeNdjsonLine(line({ code: 'x', title: 't', confidence: 'low' }));
    const old = summarizeNdjsonLine(line({ code: 'x', title: 't' }));
    expect(typeof fresh === 'object' && fresh.confidence).toBe('low');
    expect(typeof old === 'object' && old.confidence).toBe('medium');
  });
});

describe('text output', () => {
  it('prints the confidence with its basis and every alternative with its reason', () => {
    const record: ConnectionRecord = clientRejectsUntrusted();
    const lines = diagnosisLines(record).join('\n');
    expect(lines).toContain('confidence: low (assumed)');
    expect(lines).toContain('also fits:');
    expect(lines).toContain('certificate-chain-incomplete: ');
  });
});
