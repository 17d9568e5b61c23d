/**
 * A streaming pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, one Interface Description Block,
 * then one Enhanced Packet Block per frame, little-endian. Blocks are built into a chunk that is handed to the file
 * when it fills or on flush(), so the file is readable up to the last flush even if the process is killed.
 */
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
const BLOCK_ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;
/** if_tsresol 6: timestamps count microseconds */
const TICKS_PER_SECOND = 1e6;
const TWO_TO_32 = 2 ** 32;
/** EPB fixed part: type, length, interface, timestamp high and low, captured and original length, trailing length */
const EPB_OVERHEAD = 32;
const CHUNK_SIZE = 1 << 20;

export interface PcapngInterface {
  /** LINKTYPE_* number of every frame written */
  linkType: number;
  snaplen: number;
  /** if_name option: the interface the frames came from */
  name: string;
  /** shb_userappl option */
  application: string;
}

/** Bytes padded to a multiple of 4, as every pcapng block and option value is. */
function padded(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Options (pcapng §3.5): code (u16), length (u16), value padded to 32 bits; the list ends with opt_endofopt.
 *
 *   +---------------------+---------------------+
 *   |     Option Code     |    Option Length    |
 *   +---------------------+---------------------+
 *   /       Option Value, padded to 32 bits      /
 */
function encodeOptions(options: [code: number, value: Buffer][]): Buffer {
  let length = 4;
  for (const [, value] of options) length += 4 + padded(value.length);
  const out = Buffer.alloc(length);
  let at = 0;
  for (const [code, value] of options) {
    out.writeUInt16LE(code, at);
    out.writeUInt16LE(value.length, at + 2);
    value.copy(out, at + 4);
    at += 4 + padded(value.length);
  }
  out.writeUInt16LE(OPT_END, at);
  return out;
}

/** A block: type, total length, body, total length again (pcapng §3.1). */
function encodeBlock(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

/**
 * Section Header Block (pcapng §4.1) followed by the Interface Description Block (§4.2) of interface 0.
 *
 *   SHB body: Byte-Order Magic (u32) | Major 1 (u16) | Minor 0 (u16) | Section Length -1 (i64) | options
 *   IDB body: LinkType (u16) | Reserved (u16) | SnapLen (u32) | options (if_name, if_tsresol)
 */
export function encodePcapngHeader(iface: PcapngInterface): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeUInt16LE(0, 6);
  shb.writeBigInt64LE(-1n, 8);
  const shbOptions = encodeOptions([[SHB_USERAPPL, Buffer.from(iface.application, 'utf8')]]);
  const idb = Buffer.alloc(8);
  idb.writeUInt16LE(iface.linkType, 0);
  idb.writeUInt32LE(iface.snaplen, 4);
  const idbOptions = encodeOptions([
    [IF_NAME, Buffer.from(iface.name, 'utf8')],
    [IF_TSRESOL, Buffer.from([6])],
  ]);
  return Buffer.concat([
    encodeBlock(BLOCK_SECTION_HEADER, Buffer.concat([shb, shbOptions])),
    encodeBlock(BLOCK_INTERFACE_DESCRIPTION, Buffer.concat([idb, idbOptions])),
  ]);
}

/**
 * Builds Enhanced Packet Blocks (pcapng §4.3) into chunks; pure, no I/O. A filled chunk is passed to `onChunk`,
 * which owns it from then on (a new chunk is allocated), so a pending asynchronous write never sees it change.
 *
 *   Block Type 6 | Block Total Length | Interface ID 0 | Timestamp (High) | Timestamp (Low)
 *   | Captured Packet Length | Original Packet Length | Packet Data, padded to 32 bits | Block Total Length
 */
export class PcapngBlockEncoder {
  private chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  private used = 0;
  packets = 0;

  constructor(private readonly onChunk: (bytes: Buffer) => void) {}

  /** Copies one frame (its bytes are needed only during the call) stamped `ts` epoch seconds. */
  packet(data: Buffer, ts: number, origLen: number): void {
    const total = EPB_OVERHEAD + padded(data.length);
    if (this.used + total > this.chunk.length) {
      this.flush();
      if (total > this.chunk.length) this.chunk = Buffer.allocUnsafe(total);
    }
    const out = this.chunk;
    const at = this.used;
    const ticks = Math.round(ts * TICKS_PER_SECOND);
    out.writeUInt32LE(BLOCK_ENHANCED_PACKET, at);
    out.writeUInt32LE(total, at + 4);
    out.writeUInt32LE(0, at + 8);
    out.writeUInt32LE(Math.floor(ticks / TWO_TO_32), at + 12);
    out.writeUInt32LE(ticks % TWO_TO_32, at + 16);
    out.writeUInt32LE(data.length, at + 20);
    out.writeUInt32LE(Math.max(origLen, data.length), at + 24);
    data.copy(out, at + 28);
    out.fill(0, at + 28 + data.length, at + total - 4);
    out.writeUInt32LE(total, at + total - 4);
    this.used = at + total;
    this.packets++;
  }

  /** Hands over what was built since the last flush, if anything. */
  flush(): void {
    if (this.used === 0) return;
    const filled = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    this.used = 0;
    this.onChunk(filled);
  }
}

/**
 * A pcapng file being written: frames are encoded synchronously (a live capture's buffer is reused right after), and
 * the file is opened and written asynchronously, in order, behind them. Frames taken before the file is open wait in
 * memory, so the writer can be made in the same turn as the capture starts and miss nothing.
 */
export class PcapngFileWriter {
  private readonly encoder: PcapngBlockEncoder;
  private file: FileHandle | null = null;
  private pending: Promise<void>;
  /** the first error opening or writing the file; frames are not kept after it */
  error: Error | null = null;
  bytesWritten = 0;
  private closed = false;

  /** Creates (or truncates) `path`; the section and interface headers are its first bytes. */
  constructor(
    readonly path: string,
    iface: PcapngInterface,
  ) {
    this.encoder = new PcapngBlockEncoder((bytes) => this.write(bytes));
    this.pending = open(path, 'w').then(
      (file) => {
        this.file = file;
      },
      (error: Error) => {
        this.error = error;
      },
    );
    this.write(encodePcapngHeader(iface));
  }

  /** Resolves once the file is open and everything flushed so far is written: null, or the error that stopped it. */
  async ready(): Promise<Error | null> {
    await this.pending;
    return this.error;
  }

  get packets(): number {
    return this.encoder.packets;
  }

  /** One frame (`data` is needed only during the call) captured at `ts` epoch seconds. */
  packet(data: Buffer, ts: number, origLen: number): void {
    if (this.error === null && !this.closed) this.encoder.packet(data, ts, origLen);
  }

  /** Queues what was encoded so far; called regularly so a killed process leaves a readable file. */
  flush(): void {
    if (this.error === null) this.encoder.flush();
  }

  /** Flushes, waits for every write and closes the file. Resolves with the first error, if any. */
  async close(): Promise<Error | null> {
    if (!this.closed) {
      this.flush();
      this.closed = true;
      await this.pending;
      await this.file?.close().catch((error: Error) => {
        this.error ??= error;
      });
    }
    return this.error;
  }

  private write(bytes: Buffer): void {
    this.pending = this.pending.then(async () => {
      const file = this.file;
      if (this.error !== null || file === null) return;
      try {
        let at = 0;
        while (at < bytes.length) {
          const { bytesWritten } = await file.write(bytes, at, bytes.length - at);
          at += bytesWritten;
        }
        this.bytesWritten += bytes.length;
      } catch (error) {
        this.error = error as Error;
      }
    });
  }
}
