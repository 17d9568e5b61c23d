import type { ConnectionRecord, Role, TcpPacketFacts, TlsFacts } from '../../model/record.js';
import type { Direction } from '../../tcp/types.js';
import { alertName, groupName, hex16 } from '../registry/index.js';
import { identifyUpgrade } from '../starttls.js';
import { decideRoles } from './roles.js';
import type { ConnectionTracker, TrackerContext } from './tracker.js';

/** Turns a finished tracker into its connection record (outcome and diagnosis are decided later, in diagnose). */
export function buildRecord(t: ConnectionTracker, context: TrackerContext, end: string, endTs: number): ConnectionRecord {
  const roles = decideRoles({
    synFrom: t.synFrom,
    synAckFrom: t.synAckFrom,
    clientHelloFrom: t.clientHelloFrom,
    serverHelloFrom: t.serverHelloFrom,
    ports: t.endpoints.port,
  });
  const clientDir = roles.client;
  const serverDir = (1 - clientDir) as Direction;
  const role = (dir: Direction): Role => (dir === clientDir ? 'client' : 'server');
  const packetFacts = (p: { dir: Direction; ts: number; ttl: number }): TcpPacketFacts => ({ from: role(p.dir), ts: p.ts, ttl: p.ttl });
  const client = t.sides[clientDir];
  const server = t.sides[serverDir];

  let history = '';
  for (const [dir, letter] of t.history) history += dir === clientDir ? letter.toUpperCase() : letter.toLowerCase();

  const startTls =
    client.plaintextBytes > 0 || server.plaintextBytes > 0
      ? client.tlsStarted || server.tlsStarted
        ? identifyUpgrade(client.plaintextBuffer(), server.plaintextBuffer())
        : null
      : null;

  const notes = [...t.notes];
  if (t.timelineDropped > 0) notes.push(`timeline cut: ${t.timelineDropped} later events not kept`);
  if (t.alertsDropped > 0) notes.push(`${t.alertsDropped} more alert records not kept`);
  if (t.synFrom < 0 && t.synAckFrom < 0) notes.push('the capture starts after the TCP handshake of this connection');
  for (const fin of t.fins) {
    if (fin.unseen !== true) continue;
    const sender = role(fin.dir);
    const peer = sender === 'client' ? 'server' : 'client';
    notes.push(`the ${sender}'s FIN was not captured: the ${peer} acknowledged one sequence number past the ${sender}'s last byte, which only a FIN takes`);
  }
  if (server.packets === 0 && client.payloadBytes > 0) {
    notes.push('no packet from the server side was captured: a one-sided capture (a filter, asymmetric routing, a mirror port) cannot show how the server answered');
  }

  return {
    id: `${context.capture}#${t.firstFrame}`,
    capture: context.capture,
    client: { ip: t.endpoints.addr[clientDir], port: t.endpoints.port[clientDir] },
    server: { ip: t.endpoints.addr[serverDir], port: t.endpoints.port[serverDir] },
    clientInferredBy: roles.by,
    firstTs: t.firstTs,
    lastTs: t.lastTs,
    end,
    observedUntil: Math.max(t.lastTs, endTs),
    tcp: {
      synTs: t.synTs,
      synAckTs: t.synAckTs,
      rst: t.rst === null ? null : packetFacts(t.rst),
      fin: t.fins.map((fin) => (fin.unseen === true ? { ...packetFacts(fin), unseen: true as const } : packetFacts(fin))),
      ttl: { client: client.firstTtl, server: server.firstTtl },
      packets: { client: client.packets, server: server.packets },
      payloadBytes: { client: client.payloadBytes, server: server.payloadBytes },
      gapBytes: { client: client.gapBytes, server: server.gapBytes },
      tunnel: t.endpoints.tunnel,
    },
    tls: {
      startTls,
      clientHello: t.clientHello,
      helloRetryRequest:
        t.helloRetry === null
          ? null
          : {
              ts: t.helloRetryTs,
              group: t.helloRetry.keyShareGroup === null ? null : hex16(t.helloRetry.keyShareGroup),
              groupName: t.helloRetry.keyShareGroup === null ? null : groupName(t.helloRetry.keyShareGroup),
            },
      serverHello: t.serverHello,
      certificates: t.certificates,
      certificatesTs: t.certificatesTs,
      certificateCheck: t.certificateCheck,
      certificateRequested: t.certificateRequestFrom === serverDir,
      clientCertificates: t.certificateCounts[clientDir] < 0 ? null : t.certificateCounts[clientDir],
      alerts: t.alerts.map((a) => ({
        from: role(a.dir),
        ts: a.ts,
        level: a.level,
        description: a.description,
        name: a.description === null ? null : alertName(a.description),
        encrypted: a.encrypted,
        ...(a.decrypted === true ? { decrypted: true as const } : {}),
        ...(a.recordVersion === undefined ? {} : { recordVersion: hex16(a.recordVersion) }),
      })),
      changeCipherSpec: { client: client.ccsTs, server: server.ccsTs },
      recordCounts: { client: client.recordCounts, server: server.recordCounts },
      encryptedRecords: withRoles(t.encryptedRecords, t.encryptedRecordDirs, clientDir),
      nonTlsResponse: t.nonTls === null ? null : { from: role(t.nonTls.dir), ts: t.nonTls.ts, preview: t.nonTls.preview },
      history,
      established: t.established,
      establishedTs: t.establishedTs,
      decrypted: decryptedFacts(t, clientDir),
    },
    outcome: 'incomplete',
    diagnosis: null,
    warnings: [],
    timeline: withRoles(t.timeline, t.timelineDirs, clientDir),
    notes,
  };
}

/** Which sides decryption opened records of, and where its secrets came from; null when nothing opened. */
function decryptedFacts(t: ConnectionTracker, clientDir: Direction): TlsFacts['decrypted'] {
  const session = t.decrypt;
  if (session === null) return null;
  const dirs = session.decryptedDirections();
  const source = session.source;
  if (dirs.length === 0 || source === null) return null;
  const sides: Role[] = dirs.map((dir) => (dir === clientDir ? 'client' : 'server'));
  sides.sort();
  return { sides, by: source };
}

/** Fills in `from` of entries made before the roles were known, in place. */
function withRoles<T extends { from: Role }>(entries: T[], dirs: readonly Direction[], clientDir: Direction): T[] {
  for (let i = 0; i < entries.length; i++) entries[i].from = dirs[i] === clientDir ? 'client' : 'server';
  return entries;
}
