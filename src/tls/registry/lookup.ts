/**
 * The one way every registry turns a code point into a name: a Map built once from a literal list, and a fallback
 * spelling for values the registry does not hold.
 */
import { isGrease } from './grease.js';
import { hex16, hex8 } from './hex.js';

/** A registry as data: [code point, name] pairs in registry order. */
export type RegistryEntries = readonly (readonly [number, string])[];

/** Builds the lookup table of a registry once, at module load. */
export function tableFrom(entries: RegistryEntries): ReadonlyMap<number, string> {
  return new Map(entries);
}

/**
 * The registered name of a 16-bit code point; 'GREASE (0x....)' for the RFC 8701 values, 'unknown (0x....)' for
 * anything else. Only the fallback builds a string.
 */
export function name16(table: ReadonlyMap<number, string>, value: number): string {
  const found = table.get(value);
  if (found !== undefined) return found;
  return (isGrease(value) ? 'GREASE (' : 'unknown (') + hex16(value) + ')';
}

/** The registered name of a one-byte code point (alerts, handshake and content types); 'unknown (0x..)' otherwise. */
export function name8(table: ReadonlyMap<number, string>, value: number): string {
  return table.get(value) ?? 'unknown (' + hex8(value) + ')';
}
