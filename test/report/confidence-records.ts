import { DEFAULT_DIAGNOSE_OPTIONS, diagnose } from '../../src/diagnose/index.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { at, cleanCheck, leafCertificate, tls12Record, unestablished } from '../diagnose/record-factory.js';

/** A client closing at once on a leaf whose issuer tlsdiag does not know, diagnosed as the pipeline would. */
export function clientRejectsUntrusted(): ConnectionRecord {
  const record = tls12Record((r) => {
    unestablished(r);
    r.tls.certificates = [leafCertificate()];
    r.tls.certificateCheck = cleanCheck({ chainComplete: false, trusted: false, missingIssuer: 'CN=Corp CA,O=Corp' });
    r.tcp.fin = [{ from: 'client', ts: at(0.042), ttl: 64 }];
  });
  const verdict = diagnose(record, DEFAULT_DIAGNOSE_OPTIONS);
  return { ...record, outcome: verdict.outcome, diagnosis: verdict.diagnosis, warnings: verdict.warnings };
}
