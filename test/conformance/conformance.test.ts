import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { HAVE_PUBLIC_CAPTURES, publicCaptureNames, requirePublicCapture, ROOT, warnIfNoPublicCaptures } from '../helpers/shared.js';
import { compareCapture, type Disagreement } from './compare.js';
import { readTruth } from '../helpers/truth.js';

/**
 * The acceptance test of the backbone: on every public capture, connection by connection, the facts tshark found
 * (the truth files of test/corpus/public) are the facts we find — SNI, offered versions, selected version, cipher suite, alerts,
 * HelloRetryRequest, handshake completion — except for the disagreements listed, with evidence, in KNOWN.md.
 */

interface KnownEntry {
  capture: string;
  connection: string;
  field: string;
}

/** KNOWN.md rows: `| capture | connection | field | evidence |` (connection `*` matches every connection). */
function readKnown(): KnownEntry[] {
  const text = readFileSync(resolve(ROOT, 'test/conformance/KNOWN.md'), 'utf8');
  const out: KnownEntry[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !cells[1].startsWith('`')) continue;
    out.push({ capture: cells[1].replace(/`/g, ''), connection: cells[2].replace(/`/g, ''), field: cells[3].replace(/`/g, '') });
  }
  return out;
}

function isKnown(d: Disagreement, known: KnownEntry[]): boolean {
  return known.some((k) => k.capture === d.capture && (k.connection === '*' || k.connection === d.connection) && k.field === d.field);
}

warnIfNoPublicCaptures('conformance suite');

describe.skipIf(!HAVE_PUBLIC_CAPTURES)('conformance with tshark on the public captures', () => {
  const files = publicCaptureNames();
  const known = HAVE_PUBLIC_CAPTURES ? readKnown() : [];
  let compared = 0;
  let agreed = 0;
  let knownSeen = 0;

  for (const file of files) {
    it(file, async () => {
      const truth = readTruth(file);
      const records: ConnectionRecord[] = [];
      await analyzeFile(requirePublicCapture(file), {}, (r) => records.push(r));
      const disagreements = compareCapture(file, records, truth.connections);
      compared += truth.connections.length;
      const bad = new Set(disagreements.map((d) => d.connection));
      agreed += truth.connections.filter((t) => !bad.has(`${t.client} -> ${t.server}`)).length;
      const unexplained = disagreements.filter((d) => !isKnown(d, known));
      knownSeen += disagreements.length - unexplained.length;
      expect(unexplained, `disagreements with tshark not listed in test/conformance/KNOWN.md`).toEqual([]);
    });
  }

  afterAll(() => {
    console.log(`conformance: ${agreed}/${compared} connections agree with tshark on every field; ${knownSeen} known disagreement(s) (KNOWN.md)`);
  });
});
