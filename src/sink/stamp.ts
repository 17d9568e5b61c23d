import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConnectionRecord } from '../model/record.js';

/**
 * A sensor's name is part of a Redis key (`KEY:{sensor}` in a cluster, where braces are the hash tag), of spool
 * folder names and of every report line that names it: letters, digits, '.', '_' and '-' only, so it needs no escaping
 * anywhere and cannot break a hash tag.
 */
const SENSOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isSensorName(name: string): boolean {
  return SENSOR_NAME.test(name);
}

/** The default sensor name: the host name, with any character a sensor name may not hold replaced by '-'. */
export function defaultSensorName(): string {
  const name = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return name === '' ? 'sensor' : name;
}

/**
 * A record's fleet-wide identity: the same connection analysed by the same sensor (a capture read again, a batch sent
 * again after Redis failed mid-reply) gets the same uid, so a reader counts it once. `id` alone repeats across
 * sensors and across live sessions (`eth0#1`), hence the sensor, the capture and the first packet's time beside it.
 * 128 bits of SHA-256: a collision among billions of records is out of reach.
 */
export function recordUid(sensor: string, record: Pick<ConnectionRecord, 'capture' | 'id' | 'firstTs'>): string {
  return createHash('sha256').update(`${sensor}\0${record.capture}\0${record.id}\0${record.firstTs}`).digest('hex').slice(0, 32);
}

/** The record with its uid and sensor first (easy to spot in a stream entry or an NDJSON line), the rest unchanged. */
export function stampRecord(record: ConnectionRecord, sensor: string): ConnectionRecord {
  return { uid: recordUid(sensor, record), sensor, ...record };
}
