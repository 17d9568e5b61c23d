/**
 * ECS events (src/model/ecs.ts) checked against the official field definitions of the `@elastic/ecs` package, on
 * every capture in the repository (the project's and the public corpus): each field either is an ECS field, with a
 * value of its Elasticsearch type (and one of its allowed values where ECS lists them; an array only where ECS
 * expects one), or lives under `tlsdiag.` with the type TLSDIAG_FIELDS gives it. The committed index template is the
 * one the script makes, and maps every field an event holds.
 */
import { isIP } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EcsFlat, EcsVersion } from '@elastic/ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ECS_VERSION, TLSDIAG_FIELDS, toEcs } from '../../src/model/ecs.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
// @ts-expect-error: a plain .mjs script, no declarations
import { buildIndexTemplate } from '../../scripts/ecs-index-template.mjs';
import { publicCaptureNames, requirePublicCapture, ROOT } from '../helpers/shared.js';

interface EcsDefinition {
  type: string;
  normalize: string[];
  allowed_values?: { name: string }[];
}
const DEFINITIONS = EcsFlat as unknown as Record<string, EcsDefinition>;

/** Dotted leaf paths of an event with their values; arrays of scalars are one leaf, arrays of objects are walked. */
function leaves(value: unknown, path: string, out: [string, unknown][]): [string, unknown][] {
  if (Array.isArray(value) && value.some((item) => item !== null && typeof item === 'object')) {
    for (const item of value) leaves(item, path, out);
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) leaves(item, path === '' ? key : `${path}.${key}`, out);
  } else {
    out.push([path, value]);
  }
  return out;
}

/** Whether one scalar is a value of an Elasticsearch field type. */
function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'match_only_text':
    case 'text':
      return typeof value === 'string';
    case 'long':
    case 'integer':
      return Number.isSafeInteger(value);
    case 'float':
    case 'double':
    case 'scaled_float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && Number.isFinite(Date.parse(value));
    case 'ip':
      return typeof value === 'string' && isIP(value) !== 0;
    default:
      return false;
  }
}

/** Every way one event breaks ECS, in plain words. */
function ecsProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [path, value] of leaves(event, '', [])) {
    const values = Array.isArray(value) ? value : [value];
    if (path.startsWith('tlsdiag.')) {
      const type = TLSDIAG_FIELDS[path];
      if (type === undefined) problems.push(`${path}: not in TLSDIAG_FIELDS`);
      else if (!values.every((item) => fits(type, item))) problems.push(`${path}: ${JSON.stringify(value)} is not a ${type}`);
      continue;
    }
    const definition = DEFINITIONS[path];
    if (definition === undefined) {
      problems.push(`${path}: no such ECS field (and not under tlsdiag.)`);
      continue;
    }
    if (Array.isArray(value) && !definition.normalize.includes('array')) problems.push(`${path}: an array where ECS expects one value`);
    if (!values.every((item) => fits(definition.type, item))) problems.push(`${path}: ${JSON.stringify(value)} is not a ${definition.type}`);
    const allowed = definition.allowed_values?.map((v) => v.name);
    if (allowed !== undefined && !values.every((item) => allowed.includes(item as string))) problems.push(`${path}: ${JSON.stringify(value)} not among ${allowed.join(', ')}`);
  }
  return problems;
}

const records: ConnectionRecord[] = [];
/** The captures of a folder of the repository (none when it does not exist). */
const pcapsIn = (folder: string) =>
  existsSync(join(ROOT, folder))
    ? readdirSync(join(ROOT, folder))
        .filter((name) => name.endsWith('.pcap'))
        .map((name) => join(ROOT, folder, name))
    : [];
const captureFiles = [
  ...pcapsIn('captures'),
  // the client matrices: real clients meeting every fault
  ...pcapsIn('captures/matrix'),
  ...pcapsIn('captures/browsers'),
  ...pcapsIn('captures/servers'),
  // key-log captures: the pcapng with a Decryption Secrets Block is decrypted as it is read
  ...readdirSync(join(ROOT, 'captures-keylog')).filter((name) => /\.pcap(ng)?$/.test(name)).map((name) => join(ROOT, 'captures-keylog', name)),
  ...publicCaptureNames().map(requirePublicCapture),
];

beforeAll(async () => {
  const trustStore = createTrustStore([readFileSync(join(ROOT, 'captures/tlsdiag-test-root.pem'), 'utf8'), readFileSync(join(ROOT, 'captures/matrix/matrix-root.pem'), 'utf8')]);
  for (const file of captureFiles) await analyzeFile(file, { trustStore }, (record) => records.push(record));
}, 120_000);

describe('--format ecs: one ECS event per connection', () => {
  it('follows the ECS version of the definitions it is checked against', () => {
    expect(ECS_VERSION).toBe(EcsVersion);
  });

  it('every field of every event of every capture in the repository is ECS with its type, or under tlsdiag.', () => {
    expect(captureFiles.length).toBeGreaterThan(590);
    expect(records.some((r) => r.tls.decrypted != null)).toBe(true);
    expect(records.length).toBeGreaterThan(1100);
    const problems = new Set<string>();
    for (const record of records) for (const problem of ecsProblems(toEcs(record))) problems.add(problem);
    expect([...problems]).toEqual([]);
  });

  it('carries the facts ECS has fields for, from the record', () => {
    const expired = records.find((r) => r.capture === 'certificate-expired.pcap')!;
    const event = toEcs(expired) as Record<string, any>;
    expect(event['@timestamp']).toBe(new Date(expired.firstTs * 1000).toISOString());
    expect(event.event).toMatchObject({ kind: 'event', category: ['network'], type: ['connection'], outcome: 'failure', reason: expired.diagnosis!.title });
    expect(event.event.duration).toBe(Math.round((expired.lastTs - expired.firstTs) * 1e9));
    expect(event.error).toEqual({ code: 'certificate-expired', message: expired.diagnosis!.title });
    expect(event.source).toMatchObject({ ip: expired.client.ip, port: expired.client.port });
    expect(event.destination).toMatchObject({ ip: expired.server.ip, port: expired.server.port, domain: 'expired.tlsdiag.test' });
    expect(event.tls).toMatchObject({ version: '1.2', version_protocol: 'tls', cipher: expired.tls.serverHello!.cipherSuiteName, established: false });
    expect(event.tls.client.server_name).toBe('expired.tlsdiag.test');
    expect(event.tls.client.supported_ciphers).toEqual(expired.tls.clientHello!.cipherSuiteNames);
    expect(event.tls.server.x509.not_after).toBe('2026-10-14T00:00:00.000Z');
    expect(event.tls.server.hash.sha256).toBe(expired.tls.certificates[0].sha256.toUpperCase());
    expect(event.tlsdiag.diagnosis).toMatchObject({ evidence: expired.diagnosis!.evidence, fix: expired.diagnosis!.fix, confidence: expired.diagnosis!.confidence });
    expect(event.tlsdiag.tls.ja4).toBe(expired.tls.clientHello!.ja4);
    expect(event.tlsdiag.alerts).toEqual([expect.objectContaining({ from: 'client', name: 'certificate_expired', description: 45 })]);

    const healthy13 = toEcs(records.find((r) => r.capture === 'healthy-tls13.pcap')!) as Record<string, any>;
    expect(healthy13.event.outcome).toBe('success');
    expect(healthy13.error).toBeUndefined();
    expect(healthy13.tls).toMatchObject({ version: '1.3', established: true });
    expect(typeof healthy13.tls.curve).toBe('string');
  });

  it('the committed index template is the generated one, and maps every field the events hold', () => {
    const template = buildIndexTemplate(EcsFlat, ECS_VERSION, TLSDIAG_FIELDS);
    expect(JSON.parse(readFileSync(join(ROOT, 'docs/ecs/index-template.json'), 'utf8'))).toEqual(template);
    const mapped = new Set<string>();
    const walk = (properties: Record<string, any>, prefix: string) => {
      for (const [name, mapping] of Object.entries(properties)) {
        const path = prefix === '' ? name : `${prefix}.${name}`;
        if (mapping.properties) walk(mapping.properties, path);
        else mapped.add(path);
      }
    };
    walk(template.template.mappings.properties, '');
    const unmapped = new Set<string>();
    for (const record of records) for (const [path] of leaves(toEcs(record), '', [])) if (!mapped.has(path)) unmapped.add(path);
    expect([...unmapped]).toEqual([]);
  });
});
