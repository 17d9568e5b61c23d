/** What a message decoder returns when the body is too damaged to yield anything useful. */
export interface DecodeError {
  error: string;
}

/**
 * How a decoded message reports damage it read around: `truncated` when a length ran past the end of the body,
 * `damage` the first problem in words (truncation or an inconsistent length inside an extension); null when clean.
 */
export interface MessageDamage {
  truncated: boolean;
  damage: string | null;
}
