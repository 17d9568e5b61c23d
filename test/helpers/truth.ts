import { readFileSync } from 'node:fs';
import { publicTruth } from './shared.js';

/**
 * A `.truth.json` beside each public capture, made with tshark (its rules are in test/corpus/public/MANIFEST.md). One shape for every suite that compares with it.
 */
export interface TruthAlert {
  from: 'client' | 'server';
  level: number | null;
  description: number | null;
  encrypted: boolean;
  ts: number;
}

export interface TruthConnection {
  tcp_stream: number;
  client: string;
  server: string;
  sni: string | null;
  client_versions_offered: string[];
  server_version: string | null;
  cipher_suite: string | null;
  alerts: TruthAlert[];
  hello_retry_request: boolean;
  saw_client_hello: boolean;
  saw_server_hello: boolean;
  saw_certificate: boolean;
  handshake_complete: boolean;
  first_ts: number;
  tcp_segments: number;
  tcp_fin_from: string[];
  tcp_rst_from: string | null;
  tcp_gap_segments: number;
  tls_records: { client: number; server: number };
  /** application_data records per side (TLS 1.3: the Finished and everything after it) */
  app_data_records?: { client: number; server: number };
  sslv2_records: boolean;
  reassembly_sensitive_fields: string[];
}

export interface Truth {
  capture: string;
  connections: TruthConnection[];
}

/** The truth of a public capture, by its file name. */
export function readTruth(capture: string): Truth {
  const path = publicTruth(capture);
  if (path === null) throw new Error(`no public capture ${capture}`);
  return JSON.parse(readFileSync(path, 'utf8')) as Truth;
}
