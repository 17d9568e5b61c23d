/**
 * The metadata headers a monitor-mode capture puts before each 802.11 frame: radiotap, PPI, Prism and AVS. Only what
 * changes where the frame is read matters here: the header's length, whether the frame ends in a 4-byte FCS, whether
 * it failed its FCS check, and radiotap's padding after the 802.11 header.
 */
import {
  DONE_MALFORMED,
  DONE_OTHER,
  LAYER_AVS,
  LAYER_IEEE80211,
  LAYER_IEEE80211_PADDED,
  LAYER_PPI,
  NO_LAYER,
  type Cursor,
} from './layer.js';
import { firstLayerOf } from './link.js';

const FCS = 4;

const RADIOTAP_HEADER = 8;
const RADIOTAP_PRESENT_TSFT = 0x01;
const RADIOTAP_PRESENT_FLAGS = 0x02;
const RADIOTAP_PRESENT_EXTENDED = 0x80000000;
const RADIOTAP_TSFT_SIZE = 8;
const RADIOTAP_FLAG_FCS_AT_END = 0x10;
const RADIOTAP_FLAG_DATA_PAD = 0x20;
const RADIOTAP_FLAG_BAD_FCS = 0x40;

const PPI_HEADER = 8;
const PPI_FIELD_HEADER = 4;
const PPI_FLAG_ALIGNED = 0x01;
const PPI_FIELD_80211_COMMON = 2;
/** the 802.11-Common field's flags follow its 8-byte TSF timer */
const PPI_COMMON_FLAGS_AT = 8;
const PPI_COMMON_FCS_PRESENT = 0x0001;
const PPI_COMMON_FCS_INVALID = 0x0004;
const LINKTYPE_PPI = 192;

const PRISM_HEADER = 144;
const AVS_MIN_HEADER = 8;
/** AVS versions 1 and 2 are 0x80211001 and 0x80211002: the top 20 bits are the magic */
const AVS_MAGIC = 0x80211;
const AVS_MAGIC_SHIFT = 12;

const u16le = (buf: Buffer, at: number): number => buf[at] | (buf[at + 1] << 8);
const u32le = (buf: Buffer, at: number): number => (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
const u32be = (buf: Buffer, at: number): number => ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;

/**
 * Radiotap (LINKTYPE_IEEE802_11_RADIOTAP 127, https://www.radiotap.org): little-endian, fields aligned to their size
 * from the start of the header, present in bit order. Only the first two fields of the first presence word are
 * needed to reach the Flags byte: TSFT (bit 0, u64) and Flags (bit 1, u8).
 *
 *   0         1     2             4                8
 *   | version | pad | length (LE)  | present (LE)   | [present words while bit 31 is set] | [TSFT] | [flags] | ...
 *
 * Flags 0x10: the frame ends in its FCS (trimmed); 0x20: the 802.11 header is padded to 4 bytes; 0x40: the frame
 * failed its FCS check — its bytes are damaged, so it is 'malformed' (the sender retransmits it at the link layer).
 */
export function radiotapLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + RADIOTAP_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] !== 0) return DONE_OTHER;
  const headerEnd = offset + u16le(buf, offset + 2);
  if (headerEnd < offset + RADIOTAP_HEADER || headerEnd > cursor.end) return DONE_MALFORMED;
  const present = u32le(buf, offset + 4);
  let position = offset + RADIOTAP_HEADER;
  // Each extra presence word takes 4 bytes of a bounded header, so the walk ends.
  let word = present;
  while ((word & RADIOTAP_PRESENT_EXTENDED) !== 0) {
    if (position + 4 > headerEnd) return DONE_MALFORMED;
    word = u32le(buf, position);
    position += 4;
  }
  let next = LAYER_IEEE80211;
  if ((present & RADIOTAP_PRESENT_FLAGS) !== 0) {
    if ((present & RADIOTAP_PRESENT_TSFT) !== 0) {
      position = offset + ((position - offset + RADIOTAP_TSFT_SIZE - 1) & ~(RADIOTAP_TSFT_SIZE - 1)) + RADIOTAP_TSFT_SIZE;
    }
    if (position >= headerEnd) return DONE_MALFORMED;
    const flags = buf[position];
    if ((flags & RADIOTAP_FLAG_BAD_FCS) !== 0) return DONE_MALFORMED;
    if ((flags & RADIOTAP_FLAG_FCS_AT_END) !== 0) {
      if (cursor.end - FCS < headerEnd) return DONE_MALFORMED;
      cursor.end -= FCS;
    }
    if ((flags & RADIOTAP_FLAG_DATA_PAD) !== 0) next = LAYER_IEEE80211_PADDED;
  }
  cursor.offset = headerEnd;
  return next;
}

/**
 * PPI, Per-Packet Information (LINKTYPE_PPI 192, CACE Technologies PPI header format 1.0.1 §3): a fixed header naming
 * the link type of the frame after it (802.11, 105, in practice), then type-length-value fields. The 802.11-Common
 * field (type 2) says whether the frame ends in its FCS and whether that FCS failed.
 *
 *   0         1       2             4              8
 *   | version | flags | length (LE) | DLT (LE, 32)  | fields: | type (LE) | length (LE) | data | [pad to 4] | ...
 *   802.11-Common data: | TSF timer (8) | flags (LE, 16) | rate | channel ... |
 */
export function ppiLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + PPI_HEADER > cursor.end) return DONE_MALFORMED;
  if (buf[offset] !== 0) return DONE_OTHER;
  const aligned = (buf[offset + 1] & PPI_FLAG_ALIGNED) !== 0;
  const headerEnd = offset + u16le(buf, offset + 2);
  if (headerEnd < offset + PPI_HEADER || headerEnd > cursor.end) return DONE_MALFORMED;
  const linkType = u32le(buf, offset + 4);
  const next = linkType === LINKTYPE_PPI ? NO_LAYER : firstLayerOf(linkType);
  if (next === NO_LAYER) return DONE_OTHER;

  // Each field advances by at least its 4-byte header inside a bounded header, so the walk ends.
  let position = offset + PPI_HEADER;
  while (position + PPI_FIELD_HEADER <= headerEnd) {
    const type = u16le(buf, position);
    const length = u16le(buf, position + 2);
    const data = position + PPI_FIELD_HEADER;
    if (data + length > headerEnd) return DONE_MALFORMED;
    if (type === PPI_FIELD_80211_COMMON && length >= PPI_COMMON_FLAGS_AT + 2) {
      const flags = u16le(buf, data + PPI_COMMON_FLAGS_AT);
      if ((flags & PPI_COMMON_FCS_INVALID) !== 0) return DONE_MALFORMED;
      if ((flags & PPI_COMMON_FCS_PRESENT) !== 0) {
        if (cursor.end - FCS < headerEnd) return DONE_MALFORMED;
        cursor.end -= FCS;
      }
    }
    position = data + length;
    if (aligned) position = offset + ((position - offset + 3) & ~3);
  }
  cursor.offset = headerEnd;
  return next;
}

/**
 * Prism monitoring header (LINKTYPE_IEEE802_11_PRISM 119): a message code and length, a 16-byte device name and ten
 * 12-byte DID items, 144 bytes in all. Some drivers write an AVS header under this link type instead: its magic number
 * tells it apart.
 *
 *   | msgcode (4) | msglen (4) | devname (16) | hosttime, mactime, channel, rssi, sq, signal, noise, rate, istx,
 *   frmlen: 10 × | did (4) | status (2) | length (2) | data (4) | | 802.11 frame ...
 */
export function prismLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + 4 <= cursor.end && u32be(buf, offset) >>> AVS_MAGIC_SHIFT === AVS_MAGIC) return LAYER_AVS;
  if (offset + PRISM_HEADER > cursor.end) return DONE_MALFORMED;
  cursor.offset = offset + PRISM_HEADER;
  return LAYER_IEEE80211;
}

/**
 * AVS WLAN capture header (LINKTYPE_IEEE802_11_AVS 163), big-endian: a version magic and the header's length
 * (64 bytes for version 1), then radio fields this decoder has no use for.
 *
 *   0                   4                  8
 *   | version (BE, 32)  | length (BE, 32)  | MAC time, host time, PHY type, channel, rate, ... | 802.11 frame ...
 */
export function avsLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + AVS_MIN_HEADER > cursor.end) return DONE_MALFORMED;
  if (u32be(buf, offset) >>> AVS_MAGIC_SHIFT !== AVS_MAGIC) return DONE_OTHER;
  const length = u32be(buf, offset + 4);
  if (length < AVS_MIN_HEADER || length > cursor.end - offset) return DONE_MALFORMED;
  cursor.offset = offset + length;
  return LAYER_IEEE80211;
}
