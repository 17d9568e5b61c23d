/*
 * The issuer and subject names of an X.509 certificate, read from its DER without parsing the whole certificate, so
 * that a trust store of some 300 roots can be indexed by subject without building an X509Certificate for each.
 *
 * ```
 *  Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm, signatureValue }   (RFC 5280 §4.1)
 *  TBSCertificate ::= SEQUENCE {
 *    version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature AlgorithmIdentifier,
 *    issuer Name, validity Validity, subject Name, … }
 *  Name ::= SEQUENCE OF RelativeDistinguishedName                                                  (RFC 5280 §4.1.2.4)
 *  RelativeDistinguishedName ::= SET OF AttributeTypeAndValue
 *  AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY -- a DirectoryString }
 * ```
 */
import { DER_OBJECT_IDENTIFIER, DER_SEQUENCE, type DerElement, firstChild, nextSibling, readDerElement } from './der.js';

/** context-specific, constructed, tag 0: the explicit version field before the serial number */
const VERSION_TAG = 0xa0;
const DER_SET = 0x31;
/** id-at-organizationName, 2.5.4.10, as its DER value bytes */
const ORGANIZATION_OID = '55040a';

export interface CertificateNames {
  issuer: DerElement;
  subject: DerElement;
}

/** Where the issuer and subject Names lie in `der`; null when it does not have a certificate's shape. */
export function certificateNames(der: Buffer): CertificateNames | null {
  const certificate = readDerElement(der, 0);
  if (certificate === null || certificate.tag !== DER_SEQUENCE) return null;
  const tbs = firstChild(der, certificate);
  if (tbs === null || tbs.tag !== DER_SEQUENCE) return null;
  let field = firstChild(der, tbs);
  if (field !== null && field.tag === VERSION_TAG) field = nextSibling(der, field, tbs);
  // serialNumber, then signature, then issuer
  for (let skip = 0; skip < 2 && field !== null; skip++) field = nextSibling(der, field, tbs);
  const issuer = field;
  const validity = issuer === null ? null : nextSibling(der, issuer, tbs);
  const subject = validity === null ? null : nextSibling(der, validity, tbs);
  if (issuer === null || subject === null || issuer.tag !== DER_SEQUENCE || subject.tag !== DER_SEQUENCE) return null;
  return { issuer, subject };
}

/**
 * A Name as a comparison key: each attribute's type (its OID bytes) and its value as text, whatever string type
 * encodes it, case and runs of white space folded — the canonical form OpenSSL compares names in. Two spellings of
 * one name get one key; the issuance check that follows a match confirms the issuer.
 */
export function nameKey(der: Buffer, name: DerElement): string {
  let key = '';
  forEachAttribute(der, name, (type, value) => {
    key += `/${type}=${foldName(value)}`;
  });
  return key;
}

/** A name's text as OpenSSL compares it (its canonical encoding): case and runs of white space folded. */
export function foldName(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The first organizationName (O=) of a Name as text, or null when it has none. */
export function nameOrganization(der: Buffer, name: DerElement): string | null {
  let organization: string | null = null;
  forEachAttribute(der, name, (type, value) => {
    if (type === ORGANIZATION_OID && organization === null) organization = value;
  });
  return organization;
}

function forEachAttribute(der: Buffer, name: DerElement, visit: (type: string, value: string) => void): void {
  for (let rdn = firstChild(der, name); rdn !== null; rdn = nextSibling(der, rdn, name)) {
    if (rdn.tag !== DER_SET) continue;
    for (let pair = firstChild(der, rdn); pair !== null; pair = nextSibling(der, pair, rdn)) {
      const type = pair.tag === DER_SEQUENCE ? firstChild(der, pair) : null;
      const value = type === null ? null : nextSibling(der, type, pair);
      if (type === null || value === null || type.tag !== DER_OBJECT_IDENTIFIER) continue;
      visit(der.toString('hex', type.valueStart, type.end), directoryString(der, value));
    }
  }
}

/**
 * A DirectoryString's text (RFC 5280 §4.1.2.4): UTF8String, the ASCII types, TeletexString read as Latin-1 (as
 * OpenSSL does), BMPString (UTF-16BE) and UniversalString (UTF-32BE); any other type as '#' and its hex.
 */
function directoryString(der: Buffer, value: DerElement): string {
  const { valueStart: start, end } = value;
  switch (value.tag) {
    case 0x0c: // UTF8String
      return der.toString('utf8', start, end);
    case 0x13: // PrintableString
    case 0x14: // TeletexString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return der.toString('latin1', start, end);
    case 0x1e: {
      // BMPString
      let text = '';
      for (let i = start; i + 1 < end; i += 2) text += String.fromCharCode(der.readUInt16BE(i));
      return text;
    }
    case 0x1c: {
      // UniversalString
      let text = '';
      for (let i = start; i + 3 < end; i += 4) {
        const point = der.readUInt32BE(i);
        text += point <= 0x10ffff ? String.fromCodePoint(point) : '\ufffd';
      }
      return text;
    }
    default:
      return `#${der.toString('hex', value.start, end)}`;
  }
}
