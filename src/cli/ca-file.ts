/**
 * A `--ca` file read for the trust store: PEM certificates (any number of `-----BEGIN CERTIFICATE-----` blocks, RFC
 * 7468 §5), or one DER certificate as `openssl x509 -outform der` writes it. A file that holds neither is refused with
 * a reason: read silently as an empty bundle, it would leave the client's private root out and turn every chain it
 * anchors into "untrusted" without a word.
 */
import { X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describeFsError } from './inputs.js';

/**
 * The largest CA file read. Mozilla's whole root bundle is about 220 KB; a larger file is not a CA file (a capture
 * given by mistake, /dev/zero), and it is refused before it is read into memory.
 */
export const MAX_CA_FILE_BYTES = 16 * 1024 * 1024;

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';

/** The file's certificates as PEM text, or why it cannot serve as one. */
export async function readCaFile(path: string): Promise<{ pem: string } | { error: string }> {
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { error: 'not a regular file' };
      if (stat.size > MAX_CA_FILE_BYTES) {
        return { error: `${stat.size} bytes: larger than any CA bundle (at most ${MAX_CA_FILE_BYTES} are read)` };
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { error: describeFsError(error) };
  }
  const text = bytes.toString('latin1');
  if (text.includes(PEM_BEGIN)) return { pem: bytes.toString('utf8') };
  // one DER certificate: an X.509 SEQUENCE (0x30) that OpenSSL parses whole
  if (bytes.length > 0 && bytes[0] === 0x30) {
    try {
      return { pem: new X509Certificate(bytes).toString() };
    } catch {
      // not a certificate either: said below
    }
  }
  return { error: `holds no certificate (no "${PEM_BEGIN}" block, and not one DER certificate)` };
}
