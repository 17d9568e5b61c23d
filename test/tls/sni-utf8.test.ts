/**
 * Item 12 of the hostile-input issue (UTF-8 SNIs): a server name sent as UTF-8 was read one byte per character and
 * shown as mojibake ('bÃ¼cher'). Valid UTF-8 is now decoded as UTF-8, and what is unsafe in it is escaped by the
 * printers; bytes that are not UTF-8 stay one character per byte.
 */
import { describe, expect, it } from 'vitest';
import { recordToTextLine } from '../../src/cli/output/text.js';
import { parseClientHello } from '../../src/tls/messages/client-hello.js';
import { clientHelloRecord } from '../fuzz/synthetic-capture.js';
import { handshakeFrames, toPcap } from '../robustness/handshake-frames.js';
import { runCapture } from '../fuzz/run-capture.js';

/** A ClientHello record whose server_name holds exactly `name` (bytes). */
function helloNamed(name: Buffer): Buffer {
  const placeholder = 'x'.repeat(name.length);
  const record = clientHelloRecord(placeholder);
  const at = record.indexOf(Buffer.from(placeholder, 'ascii'));
  name.copy(record, at);
  return record;
}

function sniOf(name: Buffer): string | null {
  const hello = parseClientHello(helloNamed(name).subarray(9));
  if ('error' in hello) throw new Error(hello.error);
  return hello.sni;
}

describe('server names in UTF-8', () => {
  it('decodes UTF-8 as UTF-8, keeps other bytes one character per byte', () => {
    expect(sniOf(Buffer.from('bücher.example', 'utf8'))).toBe('bücher.example');
    expect(sniOf(Buffer.from('例え.テスト', 'utf8'))).toBe('例え.テスト');
    expect(sniOf(Buffer.from('www.example.test', 'utf8'))).toBe('www.example.test');
    // 0xff is never UTF-8: latin1 keeps the byte
    expect(sniOf(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\u00ffb');
    // a BOM is kept, so the printer can show it
    expect(sniOf(Buffer.from('\ufeffbom.test', 'utf8'))).toBe('\ufeffbom.test');
  });

  it('prints a UTF-8 name as itself in the text table, with invisible characters escaped', () => {
    const frames = handshakeFrames({ hello: helloNamed(Buffer.from('bücher\u200b.example', 'utf8')) });
    const { records } = runCapture(toPcap(frames), 'utf8.pcap', null);
    expect(records[0].tls.clientHello?.sni).toBe('bücher\u200b.example');
    expect(recordToTextLine(records[0])).toContain('bücher\\u{200b}.example');
  });
});
