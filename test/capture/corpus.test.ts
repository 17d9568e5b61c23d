// Every capture of the public corpus read through the file reader, checked against tshark / capinfos.
// The corpus is third-party data in test/corpus/public (and ../shared/captures/public for the few not redistributable).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/file.js';
import type { FrameSink } from '../../src/capture/types.js';
import { availablePublicCaptures, publicCaptureNames, requirePublicCapture } from '../helpers/shared.js';


/**
 * [file, format, frames]. Frame counts from `capinfos -c -M` (Wireshark 4.0.17); the format from `capinfos -t`,
 * with pcap-ns for the nanosecond magic. suricata__tls_DER-incomplete-header.pcap: capinfos stops with
 * "An error occurred after reading 6 packets" (a record header claims 4325376 bytes), so 6 and a corrupt note.
 */
const TRUTH: ReadonlyArray<readonly [string, 'pcap' | 'pcap-ns' | 'pcapng', number]> = [
  ['arkime__arkime_synthetic.pcap', 'pcap', 918],
  ['arkime__curl-enabled-tls13.pcap', 'pcap', 35],
  ['arkime__openssl-tls1-tls1_2.pcap', 'pcap', 20],
  ['arkime__ssl-selfsign.pcap', 'pcap', 20],
  ['flowtest__ssl-v2.pcap', 'pcap', 24],
  ['flowtest__tls11.pcap', 'pcap', 26],
  ['flowtest__tls13_0rtt.pcap', 'pcap', 31],
  ['flowtest__tls_cipher_error.pcap', 'pcap', 11],
  ['flowtest__tls_invalid_cert.pcap', 'pcap', 11],
  ['flowtest__tls_version_error.pcap', 'pcap', 11],
  ['ja4__tls-sni.pcapng', 'pcapng', 84],
  ['ja4__tls12.pcap', 'pcap', 1],
  ['ja4__tls3.pcapng', 'pcapng', 1189],
  ['mercury__capture2.pcap', 'pcap', 5617],
  ['mercury__corner-cases.pcap', 'pcap', 13],
  ['mercury__faketls_potatovpn.pcap', 'pcap', 61],
  ['mercury__geneve.pcap', 'pcap', 441],
  ['mercury__imap2.pcap', 'pcap', 41],
  ['mercury__quic_reordered_frames.pcap', 'pcap', 730],
  ['mercury__sll2_tls.pcap', 'pcap', 1],
  ['ndpi__6in4tunnel.pcap', 'pcap', 127],
  ['ndpi__android.pcap', 'pcap', 500],
  ['ndpi__anydesk.pcapng', 'pcapng', 174],
  ['ndpi__capwap_data.pcapng', 'pcapng', 14],
  ['ndpi__dnscrypt-v2-doh.pcap', 'pcap', 577],
  ['ndpi__gnutella.pcap', 'pcap', 3905],
  ['ndpi__haproxy.pcap', 'pcap', 1],
  ['ndpi__heuristic_tcp_ack_payload.pcap', 'pcap', 303],
  ['ndpi__http_ipv6.pcap', 'pcap', 193],
  ['ndpi__imap-starttls.pcap', 'pcap', 32],
  ['ndpi__instagram.pcap', 'pcap', 847],
  ['ndpi__opera-vpn.pcapng', 'pcap', 3200],
  ['ndpi__pop3_stls.pcap', 'pcap', 53],
  ['ndpi__rdp_over_tls.pcap', 'pcap', 19],
  ['ndpi__sites.pcapng', 'pcapng', 699],
  ['ndpi__smtp-starttls.pcap', 'pcap', 69],
  ['ndpi__smtps.pcapng', 'pcapng', 4],
  ['ndpi__teams.pcap', 'pcap', 1540],
  ['ndpi__tls_1.3_unidirectional_server.pcapng', 'pcapng', 9],
  ['ndpi__tls_2_reasms.pcapng', 'pcapng', 14],
  ['ndpi__tls_certificate_too_long.pcap', 'pcap', 315],
  ['ndpi__tls_cipher_lens.pcap', 'pcapng', 5],
  ['ndpi__tls_heur__trojan-tcp-tls.pcapng', 'pcapng', 100],
  ['ndpi__tls_missing_ch_frag.pcap', 'pcapng', 14],
  ['ndpi__tls_multiple_synack_different_seq.pcapng', 'pcapng', 10],
  ['ndpi__tls_port_80.pcapng', 'pcapng', 13],
  ['ndpi__tls_with_huge_ch.pcapng', 'pcapng', 428],
  ['ndpi__tumblr.pcap', 'pcap', 755],
  ['ndpi__vxlan.pcap', 'pcap', 127],
  ['pcapplusplus__SSL-AlertEnc.pcap', 'pcap', 1],
  ['pcapplusplus__SSL-MultipleRecords3.pcap', 'pcap', 1],
  ['pcapplusplus__SSL-PartialCertificate1.pcap', 'pcap', 1],
  ['pcapplusplus__many_interfaces-1.pcapng', 'pcapng', 64],
  ['pcapplusplus__pcapng-example.pcapng', 'pcapng', 159],
  ['pcapplusplus__tls_grease.pcap', 'pcap', 1],
  ['scapy__tls_new-session-ticket.pcap', 'pcap', 12],
  ['scapy__tls_nss_example.pcap', 'pcap', 37],
  ['scapy__tls_tcp_frag_withnss.pcap', 'pcap', 17],
  ['suricata__bug-5881-01-input.pcap', 'pcap', 42],
  ['suricata__bug-7264-tcp-3whs-ack-data-tls-01-input.pcap', 'pcap', 28],
  ['suricata__flow-test-01.pcap', 'pcap', 7],
  ['suricata__issue_no_icmp.pcap', 'pcap', 34],
  ['suricata__pgsql-upgrade-tls-input.pcap', 'pcap', 22],
  ['suricata__smtp-startssl-input.pcap', 'pcap', 38],
  ['suricata__smtp-tls-protodetect-input.pcap', 'pcap', 7],
  ['suricata__tcp-fastopen-10-syn-data-ignore-input.pcap', 'pcap', 52],
  ['suricata__tcp-opt.pcap', 'pcap', 42],
  ['suricata__tls-alpn-log-detect-02-input.pcap', 'pcap', 28],
  ['suricata__tls-certs-alert-input.pcap', 'pcap', 32],
  ['suricata__tls-extra-alert-input.pcap', 'pcap', 14],
  ['suricata__tls-fingerprint-alert-input.pcap', 'pcap', 28],
  ['suricata__tls-subjectaltname-input.pcap', 'pcap', 3138],
  ['suricata__tls13_draft22.pcap', 'pcap', 19],
  ['suricata__tls13_draft28.pcap', 'pcap', 30],
  ['suricata__tls_DER-incomplete-header.pcap', 'pcap', 6],
  ['testrun__monitor.pcap', 'pcap', 657],
  ['testrun__multi_page_tls.pcap', 'pcap', 1182],
  ['testrun__tls_ext.pcap', 'pcap', 10],
  ['testrun__unsupported_tls.pcap', 'pcap', 157],
  ['wireshark-notes__amqps.pcapng', 'pcapng', 41],
  ['wireshark-notes__broken-dump.pcapng', 'pcapng', 495],
  ['wireshark-notes__ldap-ssl.pcapng', 'pcapng', 36],
  ['wireshark-notes__mysql-ssl.pcapng', 'pcapng', 59],
  ['wireshark-notes__pgsql-ssl.pcapng', 'pcapng', 39],
  ['wireshark-notes__ssl3-dump.pcapng', 'pcapng', 583],
  ['wireshark-notes__sslv2.pcapng', 'pcapng', 17],
  ['wireshark-notes__tls-null.pcapng', 'pcapng', 15],
  ['zeek__chrome-1250-tls-x25519-kyber.pcap', 'pcap', 15],
  ['zeek__chrome-63.0.3211.0-canary-tls_experiment.pcap', 'pcap', 13],
  ['zeek__ftp-auth-tls.pcap', 'pcap', 84],
  ['zeek__geneve-47101.pcap', 'pcap', 24],
  ['zeek__gtp6_gtp_0x32.pcap', 'pcap', 31],
  ['zeek__heartbleed-encrypted-success.pcap', 'pcap', 63],
  ['zeek__https-to-http.pcap', 'pcap', 9],
  ['zeek__missing-intermediate.pcap', 'pcap', 50],
  ['zeek__ml-dsa-44-cert.pcap', 'pcap', 5],
  ['zeek__pop3-starttls.pcap', 'pcap', 33],
  ['zeek__pppoe-over-qinq.pcap', 'pcap', 86],
  ['zeek__psql-aws-ssl-preferred.pcap', 'pcap', 28],
  ['zeek__psql-aws-ssl-require-15432.pcap', 'pcap', 30],
  ['zeek__rdp-to-ssl.pcap', 'pcap', 658],
  ['zeek__signed_certificate_timestamp_tls1_0.pcap', 'pcap', 19],
  ['zeek__smtp.pcap', 'pcap', 125],
  ['zeek__socks-with-ssl.pcap', 'pcap', 25],
  ['zeek__ssl-and-ssh-using-sslh.pcap', 'pcap', 72],
  ['zeek__ssl-to-http-server.pcap', 'pcap', 14],
  ['zeek__ssl-v2.pcap', 'pcap', 25],
  ['zeek__ssl.v3.pcap', 'pcap', 252],
  ['zeek__tls-1.2-handshake-failure.pcap', 'pcap', 11],
  ['zeek__tls-1.2-protocol-error.pcap', 'pcap', 11],
  ['zeek__tls-early-alert.pcap', 'pcap', 17],
  ['zeek__tls-expired-cert.pcap', 'pcap', 49],
  ['zeek__tls-fragmented-handshake.pcap', 'pcap', 416],
  ['zeek__tls1.2-late-protocol-error.pcap', 'pcap', 22],
  ['zeek__tls1.2-protocol-violation.pcap', 'pcap', 22],
  ['zeek__tls13-ech.pcap', 'pcap', 69],
  ['zeek__tls13_wolfssl.pcap', 'pcap', 21],
  ['zeek__tls13draft16-chrome55.0.2879.0-canary-aborted.pcap', 'pcap', 24],
  ['zeek__tls13draft16-ff52.a01.pcap', 'pcap', 39],
  ['zeek__tls13draft23-chrome67.0.3368.0-canary.pcap', 'pcap', 24],
  ['zeek__tls1_1.pcap', 'pcap', 23],
];

/** First and last frame.time_epoch from `tshark -r F -T fields -e frame.time_epoch` (tshark 4.0.17). */
const TIMES: ReadonlyArray<readonly [string, string, string]> = [
  ['zeek__tls1_1.pcap', '1512072318.401739', '1512072319.419296'],
  ['ja4__tls3.pcapng', '1692898400.148036', '1692898405.060223'],
  ['ndpi__opera-vpn.pcapng', '1694275752.994885', '1694275760.841495'], // a classic pcap named .pcapng
  ['wireshark-notes__mysql-ssl.pcapng', '1422527998.578402281', '1422528033.092194163'], // if_tsresol 9
  ['ndpi__tls_with_huge_ch.pcapng', '1722705809.121409460', '1722705840.791503037'], // if_tsresol 9
  ['ndpi__tls_heur__trojan-tcp-tls.pcapng', '1725367999.181087334', '1725367999.398999597'], // Linux SLL, ns
];

function counting(): { sink: FrameSink; ts: number[]; linkTypes: Map<number, number> } {
  const ts: number[] = [];
  const linkTypes = new Map<number, number>();
  return {
    ts,
    linkTypes,
    sink: {
      frame(_data, time, linkType) {
        ts.push(time);
        linkTypes.set(linkType, (linkTypes.get(linkType) ?? 0) + 1);
      },
    },
  };
}

/** Both rounded to the µs: a double holds today's epoch to ~0.2 µs, so the 7th digit and beyond is noise. */
function micros(seconds: number | string): string {
  return Number(seconds).toFixed(6);
}

const truthHere = new Set(availablePublicCaptures('capture corpus', TRUTH.map(([file]) => file)));
const timesHere = new Set(availablePublicCaptures('capture corpus times', TIMES.map(([file]) => file)));

describe('public corpus', () => {
  it('the table lists every capture of the corpus, and every capture of it is here or not redistributable', () => {
    expect(TRUTH.length).toBe(121);
    expect(publicCaptureNames().filter((name) => !TRUTH.some(([file]) => file === name))).toEqual([]);
    // the repository holds all but the 11 captures whose licence keeps them out (test/corpus/public/MANIFEST.md)
    expect(truthHere.size).toBeGreaterThanOrEqual(110);
  });

  it.each(TRUTH.filter(([file]) => truthHere.has(file)))('%s opens as %s with %i frames', async (file, format, frames) => {
    const { sink, ts } = counting();
    const summary = await readCaptureFile(requirePublicCapture(file), sink, { chunkSize: 8192 });
    expect(summary.format).toBe(format);
    expect(summary.gzip).toBe(false);
    expect(summary.frames).toBe(frames);
    expect(ts.length).toBe(frames);
    if (file === 'suricata__tls_DER-incomplete-header.pcap') {
      expect(summary.notes).toEqual([expect.objectContaining({ kind: 'corrupt', offset: 5035 })]);
    } else if (file === 'pcapplusplus__pcapng-example.pcapng') {
      // its second interface stamps packets 2^64 µs minus a little: the year 586,524 (tshark shows it as is)
      expect(summary.notes.map((n) => n.message)).toEqual([
        'packet 60 is stamped 18446744073204.125 s since 1970, outside 1970–9999: such times are clamped to that range',
        '100 packets had times outside 1970–9999 and were clamped',
      ]);
    } else {
      expect(summary.notes).toEqual([]);
      expect(summary.bytes).toBe(readFileSync(requirePublicCapture(file)).length);
    }
  });

  it.each(TIMES.filter(([file]) => timesHere.has(file)))('%s: first and last timestamps match tshark to the µs', async (file, first, last) => {
    const { sink, ts } = counting();
    await readCaptureFile(requirePublicCapture(file), sink);
    expect(micros(ts[0])).toBe(micros(first));
    expect(micros(ts[ts.length - 1])).toBe(micros(last));
  });

  it('gives each pcapng frame the link type of its own interface', async () => {
    // tshark: interface 0 is Ethernet (62 frames), interface 10 is BSD loopback "null" (2 frames)
    const { sink, linkTypes } = counting();
    await readCaptureFile(requirePublicCapture('pcapplusplus__many_interfaces-1.pcapng'), sink);
    expect(Object.fromEntries(linkTypes)).toEqual({ 0: 2, 1: 62 });
  });
});

describe('gzip and cut copies of corpus files', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'tlsdiag-capture-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function frameBytes(file: string, chunkSize?: number) {
    const frames: string[] = [];
    const summary = await readCaptureFile(file, { frame: (data, ts) => frames.push(`${ts}:${data.toString('hex')}`) }, { chunkSize });
    return { frames, summary };
  }

  it.each(['zeek__tls1_1.pcap', 'ndpi__tls_with_huge_ch.pcapng'])('%s gzipped (and not named .gz) gives the same frames', async (name) => {
    const original = requirePublicCapture(name);
    const zipped = path.join(scratch, `${name}.copy`);
    writeFileSync(zipped, gzipSync(readFileSync(original)));
    const plain = await frameBytes(original);
    const viaGzip = await frameBytes(zipped, 1000);
    expect(viaGzip.summary).toMatchObject({ gzip: true, format: plain.summary.format, frames: plain.summary.frames, notes: [] });
    expect(viaGzip.summary.bytes).toBe(plain.summary.bytes);
    expect(viaGzip.frames).toEqual(plain.frames);
  });

  it('a pcap cut inside a record keeps the frames before it and says where the record starts', async () => {
    // From `tshark -T fields -e frame.cap_len`: records start at 24 + Σ(16 + cap_len) of those before; with a cut at
    // byte 1000, frames 1-5 are whole and frame 6's record starts at byte 616.
    const name = 'zeek__tls1_1.pcap';
    const cut = path.join(scratch, `${name}.cut`);
    writeFileSync(cut, readFileSync(requirePublicCapture(name)).subarray(0, 1000));
    const whole = await frameBytes(requirePublicCapture(name));
    const partial = await frameBytes(cut, 256);
    expect(partial.frames).toEqual(whole.frames.slice(0, 5));
    expect(partial.summary.notes).toEqual([
      { kind: 'truncated', offset: 616, message: expect.stringContaining('384 bytes into a packet record') },
    ]);
  });

  it('a pcapng cut inside a block keeps the frames before it', async () => {
    const name = 'ndpi__tls_2_reasms.pcapng';
    const cutAt = 3000;
    const cut = path.join(scratch, `${name}.cut`);
    writeFileSync(cut, readFileSync(requirePublicCapture(name)).subarray(0, cutAt));
    const whole = await frameBytes(requirePublicCapture(name));
    const partial = await frameBytes(cut, 256);
    expect(partial.frames.length).toBeGreaterThan(0);
    expect(partial.frames).toEqual(whole.frames.slice(0, partial.frames.length));
    expect(partial.summary.notes).toHaveLength(1);
    const note = partial.summary.notes[0];
    expect(note.kind).toBe('truncated');
    expect(note.offset).toBeLessThan(cutAt);
    expect(note.message).toContain(`${cutAt - note.offset} bytes into a block`);
  });

  it('a gzip file cut short keeps the frames before the cut', async () => {
    const original = requirePublicCapture('ndpi__sites.pcapng');
    const zipped = gzipSync(readFileSync(original));
    const cut = path.join(scratch, 'sites.gz');
    writeFileSync(cut, zipped.subarray(0, Math.floor(zipped.length / 2)));
    const whole = await frameBytes(original);
    const partial = await frameBytes(cut);
    expect(partial.summary.gzip).toBe(true);
    expect(partial.frames.length).toBeGreaterThan(100);
    expect(partial.frames.length).toBeLessThan(whole.frames.length);
    expect(partial.frames).toEqual(whole.frames.slice(0, partial.frames.length));
    expect(partial.summary.notes.map((n) => n.kind)).toContain('truncated');
  });
});
