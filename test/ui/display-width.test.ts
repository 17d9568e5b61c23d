/**
 * Item 12 of the hostile-input issue (wide and combining characters): a server name of CJK characters, emoji or
 * combining marks was padded by its length, not by the columns it takes, and pushed the UI's and the text table's
 * columns out of line. Cells are now fitted by display width (string-width, the measure ink lays out with).
 */
import { describe, expect, it } from 'vitest';
import { recordToTextLine } from '../../src/cli/output/text.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { displayWidth, fit, wrap } from '../../src/ui/format.js';
import { listColumns, rowText } from '../../src/ui/list-columns.js';
import { HAVE_CAPTURES, recordsOf, warnIfNoCaptures } from './records.js';

warnIfNoCaptures('display-width');

const NAMES = [
  '例え.テスト.日本語のとても長いサーバー名.example',
  '🔒🔒🔒.emoji.example.test.with.more.than.enough',
  'e\u0301e\u0301e\u0301.combining.example',
  'ｆｕｌｌｗｉｄｔｈ.example',
  '한국어.도메인',
  'mixed-例-🔒-e\u0301-end',
];

describe('columns by display width', () => {
  it('measures wide, emoji and combining characters', () => {
    expect(displayWidth('例え')).toBe(4);
    expect(displayWidth('🔒')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('plain')).toBe(5);
  });

  it('fits any text into exactly the columns asked, never splitting a character', () => {
    for (const name of NAMES) {
      for (let width = 1; width <= 30; width++) {
        const cell = fit(name, width);
        expect(displayWidth(cell), `${name} in ${width}`).toBe(width);
        expect(cell.includes('\ufffd')).toBe(false);
      }
    }
    // a combining mark stays with its letter
    expect(fit('e\u0301e\u0301e\u0301xyz', 3)).toBe('e\u0301e\u0301…');
  });

  it('wraps by columns', () => {
    for (const line of wrap(`${NAMES[0]} ${NAMES[1]} and some words`, 12)) expect(displayWidth(line)).toBeLessThanOrEqual(12);
  });

  it.skipIf(!HAVE_CAPTURES)('list rows and text lines keep their columns whatever the SNI', async () => {
    const [base] = await recordsOf('healthy-tls13.pcap');
    const withName = (sni: string): ConnectionRecord => ({ ...base, tls: { ...base.tls, clientHello: { ...base.tls.clientHello!, sni } } });
    for (const width of [80, 100, 150]) {
      const columns = listColumns(width);
      for (const name of NAMES) expect(displayWidth(rowText(withName(name), columns)), `${name} at ${width}`).toBe(width - 3);
    }
    const reference = recordToTextLine(withName('www.example.test'));
    const outcomeAt = displayWidth(reference.slice(0, reference.indexOf('established')));
    for (const name of NAMES) {
      const line = recordToTextLine(withName(name));
      expect(displayWidth(line.slice(0, line.indexOf('established'))), name).toBe(outcomeAt);
    }
  });
});
