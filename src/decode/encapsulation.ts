/**
 * The encapsulations a segment can be found under, and the `tunnel` string naming the ones crossed
 * ('vlan/vxlan', ...). The string is built from the cursor's trail of small codes only when a tunnel was crossed,
 * and cached, so a capture full of one kind of tunnel builds its string once.
 */
import type { Cursor } from './layer.js';

export const ENCAP_VLAN = 1;
export const ENCAP_MPLS = 2;
export const ENCAP_PPPOE = 3;
export const ENCAP_IP_IN_IP = 4;
export const ENCAP_GRE = 5;
export const ENCAP_VXLAN = 6;
export const ENCAP_GENEVE = 7;
export const ENCAP_GTPU = 8;
export const ENCAP_ERSPAN = 9;
export const ENCAP_CAPWAP = 10;

/** indexed by ENCAP_* code */
const ENCAP_NAMES: readonly string[] = ['', 'vlan', 'mpls', 'pppoe', 'ip-in-ip', 'gre', 'vxlan', 'geneve', 'gtp-u', 'erspan', 'capwap'];

/** Tunnels nested deeper than this are hostile or broken: the frame is reported malformed. */
export const MAX_NESTING = 8;

/**
 * Records that the walk crossed an encapsulation. Returns false when that would nest deeper than MAX_NESTING.
 * A stack of VLAN tags or MPLS labels is one step of the walk, so it is recorded once.
 */
export function enterEncapsulation(cursor: Cursor, code: number): boolean {
  const depth = cursor.depth;
  if (depth >= MAX_NESTING) return false;
  cursor.trail[depth] = code;
  cursor.depth = depth + 1;
  return true;
}

// Codes are < 16 and the trail is at most 8 long, so a trail packs exactly into a 32-bit key.
const NAME_CACHE_LIMIT = 1024;
const nameCache = new Map<number, string>();

/** The '/'-joined names of the encapsulations on the cursor's trail, outermost first ('' when none). */
export function trailName(cursor: Cursor): string {
  const depth = cursor.depth;
  if (depth === 0) return '';
  if (depth === 1) return ENCAP_NAMES[cursor.trail[0]];
  let key = 0;
  for (let i = 0; i < depth; i++) key = key * 16 + cursor.trail[i];
  const cached = nameCache.get(key);
  if (cached !== undefined) return cached;
  let name = ENCAP_NAMES[cursor.trail[0]];
  for (let i = 1; i < depth; i++) name += '/' + ENCAP_NAMES[cursor.trail[i]];
  // Hostile input could spell endless distinct trails: stop caching rather than grow without bound.
  if (nameCache.size < NAME_CACHE_LIMIT) nameCache.set(key, name);
  return name;
}
