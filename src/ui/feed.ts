import type { ConnectionRecord } from '../model/record.js';

/**
 * What an analysis tells the terminal UI while it runs: file mode (a capture being read) and live mode (an interface
 * being sniffed) feed the same app through this one shape.
 */
export interface FeedProgress {
  /** capture names (file mode) or the interface name (live mode) */
  sources: string[];
  live: boolean;
  /** bytes read so far and in all (file mode; null in live mode) */
  bytesRead: number;
  totalBytes: number | null;
  packets: number;
  packetsPerSecond: number;
  /** packets the kernel dropped (live mode, when libpcap reports it); null otherwise */
  kernelDrops: number | null;
  /** connections still open (not yet decided) */
  openConnections: number;
  /** the fleet view (tlsdiag watch): what was read from the Redis streams so far */
  fleet?: { records: number; sensors: number; streams: number; problem: string | null };
}

export interface FeedListener {
  /** a connection was decided (its record is final) */
  record(record: ConnectionRecord): void;
  progress(progress: FeedProgress): void;
  /** a problem with an input (unreadable file, truncated capture, dropped packets), in plain words */
  notice(message: string): void;
  /** the analysis is over (end of files, --duration reached, or Ctrl-C in live mode) */
  finished(): void;
}

/** A running analysis the UI subscribes to. Records decided before subscribing are replayed to the new listener. */
export interface AnalysisFeed {
  subscribe(listener: FeedListener): () => void;
  /** asks the analysis to stop (the UI's quit key); file mode may ignore it and just stop being displayed */
  stop(): void;
}
