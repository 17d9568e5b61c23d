import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/decode/frame.js';

const v6 = (hex: string) => formatAddress(Buffer.from(hex, 'hex'), 0, 16);

describe('formatAddress', () => {
  it('IPv4 at an offset', () => {
    expect(formatAddress(Buffer.from([9, 9, 10, 0, 255, 1]), 2, 4)).toBe('10.0.255.1');
  });

  it('IPv6 in RFC 5952 canonical form', () => {
    expect(v6('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(v6('00000000000000000000000000000000')).toBe('::');
    expect(v6('00000000000000000000000000000001')).toBe('::1');
    expect(v6('fe800000000000000000000000000000')).toBe('fe80::');
    expect(v6('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1'); // one zero group stays
    expect(v6('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(v6('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1'); // the longest run
    expect(v6('20010DB8ABCDEF012000000000000000')).toBe('2001:db8:abcd:ef01:2000::');
    expect(v6('00000000000000000000ffffc0000201')).toBe('::ffff:192.0.2.1');
  });
});
