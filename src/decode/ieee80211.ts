/**
 * IEEE 802.11 data frames (IEEE Std 802.11-2020 §9.2.4 frame control, §9.3.2.1 data frame format) and the IEEE 802.2
 * LLC/SNAP header that names their payload with an EtherType (RFC 1042, IEEE 802.1H).
 *
 * Only unprotected data frames that carry data lead anywhere: management and control frames, frames of the
 * "no data" subtypes (Null, QoS Null, CF-Ack/Poll only) and protected (encrypted) frames end the walk as 'other'.
 */
import { layerForEtherType } from './ethertype.js';
import { DONE_FRAGMENT, DONE_MALFORMED, DONE_OTHER, NO_LAYER, type Cursor } from './layer.js';

// First frame control byte: protocol version (bits 0-1), type (bits 2-3), subtype (bits 4-7).
const VERSION_AND_TYPE = 0x0f;
const DATA_FRAME = 0x08; // version 0, type 2
const SUBTYPE_QOS = 0x80;
const SUBTYPE_NO_DATA = 0x40;
// Second frame control byte: flags.
const TO_DS = 0x01;
const FROM_DS = 0x02;
const PROTECTED = 0x40;
/** on a QoS data frame, +HTC: a 4-byte HT/VHT/HE control field follows the QoS control field */
const ORDER = 0x80;

const DATA_HEADER = 24;
const ADDRESS_4 = 6;
const QOS_CONTROL = 2;
const HT_CONTROL = 4;
const SEQUENCE_CONTROL_AT = 22;
/** QoS control bit 7: the body is an A-MSDU, a run of subframes each with its own header */
const QOS_AMSDU_PRESENT = 0x80;
const AMSDU_SUBFRAME_HEADER = 14;

const LLC_SNAP_HEADER = 8;

/**
 * An 802.11 frame as a capture of an 802.11 interface holds it (LINKTYPE_IEEE802_11, or after a radio header).
 *
 *   0               2          4         10        16        22                 24
 *   | frame control | duration | addr 1  | addr 2  | addr 3  | sequence control | [addr 4 (6)]  ToDS and FromDS
 *   [ QoS control (2) ]  QoS subtypes   [ HT control (4) ]  QoS subtypes with the Order flag
 *   | frame body: LLC/SNAP | payload ... |
 */
export function ieee80211Layer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + 2 > cursor.end) return DONE_MALFORMED;
  return afterFrameControl(buf, cursor, buf[offset], buf[offset + 1], false, true);
}

/**
 * The same, when a radiotap header's data-pad flag says the driver padded the 802.11 header to a multiple of 4 bytes
 * before the frame body.
 */
export function ieee80211PaddedLayer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + 2 > cursor.end) return DONE_MALFORMED;
  return afterFrameControl(buf, cursor, buf[offset], buf[offset + 1], true, true);
}

/**
 * An 802.11 frame in a CAPWAP tunnel (RFC 5416 §3). Some controllers (Cisco's among them) send the frame control
 * field byte-swapped: when the bytes read in order name no version-0 data frame and read swapped do, they are taken
 * swapped. The sequence control field of those frames is not reliable either, so it is not read for a fragment
 * number; a later fragment has no LLC/SNAP header and ends the walk as 'other'.
 */
export function capwapIeee80211Layer(buf: Buffer, cursor: Cursor): number {
  const offset = cursor.offset;
  if (offset + 2 > cursor.end) return DONE_MALFORMED;
  const first = buf[offset];
  const second = buf[offset + 1];
  const swapped = (first & VERSION_AND_TYPE) !== DATA_FRAME && (second & VERSION_AND_TYPE) === DATA_FRAME;
  return swapped
    ? afterFrameControl(buf, cursor, second, first, false, false)
    : afterFrameControl(buf, cursor, first, second, false, false);
}

/**
 * The frame control bytes are passed in because a CAPWAP frame may hold them swapped. A first fragment (More
 * Fragments set, fragment number 0) is decoded like any frame: the IP layer sees its datagram cut short, as with the
 * first IP fragment; later fragments (fragment number above 0) carry no headers and are 'fragment'.
 */
function afterFrameControl(
  buf: Buffer,
  cursor: Cursor,
  frameControl: number,
  flags: number,
  headerPadded: boolean,
  readFragmentNumber: boolean,
): number {
  if ((frameControl & VERSION_AND_TYPE) !== DATA_FRAME) return DONE_OTHER;
  if ((frameControl & SUBTYPE_NO_DATA) !== 0 || (flags & PROTECTED) !== 0) return DONE_OTHER;
  const offset = cursor.offset;
  const end = cursor.end;
  if (offset + DATA_HEADER > end) return DONE_MALFORMED;
  if (readFragmentNumber && (buf[offset + SEQUENCE_CONTROL_AT] & 0x0f) !== 0) return DONE_FRAGMENT;

  let headerLength = DATA_HEADER;
  if ((flags & (TO_DS | FROM_DS)) === (TO_DS | FROM_DS)) headerLength += ADDRESS_4;
  let aggregated = false;
  if ((frameControl & SUBTYPE_QOS) !== 0) {
    if (offset + headerLength + QOS_CONTROL > end) return DONE_MALFORMED;
    aggregated = (buf[offset + headerLength] & QOS_AMSDU_PRESENT) !== 0;
    headerLength += QOS_CONTROL;
    if ((flags & ORDER) !== 0) headerLength += HT_CONTROL;
  }
  if (headerPadded) headerLength = (headerLength + 3) & ~3;
  let body = offset + headerLength;
  if (body > end) return DONE_MALFORMED;
  if (aggregated) {
    body = singleAmsduSubframe(buf, cursor, body);
    if (body < 0) return body;
  }
  return afterLlcSnap(buf, cursor, body);
}

/**
 * An A-MSDU (IEEE Std 802.11-2020 §9.3.2.2) with exactly one subframe, the common case of a lightly loaded link:
 * returns where its MSDU starts and trims the cursor to it. The decoder yields one segment per frame, so an A-MSDU of
 * several subframes is 'other' rather than a frame whose later segments are silently lost.
 *
 *   | DA (6) | SA (6) | length (BE) | MSDU (LLC/SNAP ...) | padding to 4 bytes | next subframe ...
 */
function singleAmsduSubframe(buf: Buffer, cursor: Cursor, offset: number): number {
  if (offset + AMSDU_SUBFRAME_HEADER > cursor.end) return DONE_MALFORMED;
  const msduEnd = offset + AMSDU_SUBFRAME_HEADER + ((buf[offset + 12] << 8) | buf[offset + 13]);
  const paddedEnd = offset + ((msduEnd - offset + 3) & ~3);
  if (paddedEnd < cursor.end) return DONE_OTHER;
  if (msduEnd < cursor.end) cursor.end = msduEnd;
  return offset + AMSDU_SUBFRAME_HEADER;
}

/**
 * IEEE 802.2 LLC with a SNAP header: DSAP 0xAA, SSAP 0xAA, UI (0x03), then an OUI of 00-00-00 (RFC 1042) or
 * 00-00-F8 (IEEE 802.1H bridge tunnel), each of which puts an EtherType after it.
 *
 *   | DSAP | SSAP | ctrl | OUI (3) | EtherType (2) | payload ...
 */
function afterLlcSnap(buf: Buffer, cursor: Cursor, offset: number): number {
  if (offset + LLC_SNAP_HEADER > cursor.end) return offset === cursor.end ? DONE_OTHER : DONE_MALFORMED;
  if (buf[offset] !== 0xaa || buf[offset + 1] !== 0xaa || buf[offset + 2] !== 0x03) return DONE_OTHER;
  if (buf[offset + 3] !== 0 || buf[offset + 4] !== 0 || (buf[offset + 5] !== 0 && buf[offset + 5] !== 0xf8)) return DONE_OTHER;
  const next = layerForEtherType((buf[offset + 6] << 8) | buf[offset + 7]);
  if (next === NO_LAYER) return DONE_OTHER;
  cursor.offset = offset + LLC_SNAP_HEADER;
  return next;
}
