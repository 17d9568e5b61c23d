/** How the diagnosis judges time. */
export interface DiagnoseOptions {
  /** seconds a ClientHello (or SYN) may stay unanswered before the handshake counts as timed out */
  handshakeTimeout: number;
  /**
   * when the trust store was current, epoch seconds: a capture much older than it may have used roots that were
   * public then and have been removed since, so an unknown root says less about it
   */
  trustStoreTime: number;
}

/** The default of `--handshake-timeout`, in seconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10;

/** Node's bundled roots and the system store are as current as the running program. */
export const DEFAULT_DIAGNOSE_OPTIONS: DiagnoseOptions = {
  handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT,
  trustStoreTime: Math.floor(Date.now() / 1000),
};
