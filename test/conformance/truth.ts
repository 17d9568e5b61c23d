/** The parts of a `.truth.json` (made by ../shared/tools/oracle.sh with tshark) that the conformance suite compares. */
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
  handshake_complete: boolean;
  first_ts: number;
  reassembly_sensitive_fields: string[];
}

export interface Truth {
  capture: string;
  connections: TruthConnection[];
}
