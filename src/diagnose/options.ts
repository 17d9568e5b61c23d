/** How the diagnosis judges time. */
export interface DiagnoseOptions {
  /** seconds a ClientHello (or SYN) may stay unanswered before the handshake counts as timed out */
  handshakeTimeout: number;
}

/** The default of `--handshake-timeout`, in seconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 10;

export const DEFAULT_DIAGNOSE_OPTIONS: DiagnoseOptions = { handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT };
