import type { Finding, RuleContext } from '../context.js';
import { resetLines } from '../reset-evidence.js';

/**
 * A RST that claims to come from one side but was forged on the path (a firewall, an SNI filter, an IPS): its TTL /
 * hop limit differs from that side's earlier packets, or it arrived sooner than the server could have answered.
 */
export function resetByMiddlebox(facts: RuleContext): Finding | null {
  const lines = resetLines(facts);
  const reset = facts.reset;
  if (!lines || !reset || reset.forgedBecause.length === 0) return null;
  const sni = facts.clientHello?.sni;
  return {
    code: 'reset-by-middlebox',
    title: 'Something on the network path reset the connection',
    evidence: [...lines, ...reset.forgedBecause, `the RST claims to come from the ${reset.from}, but these facts say a box on the path sent it`],
    fix:
      'Find the firewall, proxy or filter between client and server that resets this traffic (' +
      (sni ? 'SNI-based filtering is common' : 'port- or content-based filtering') +
      ') and allow the connection there; a traceroute and the firewall logs along the path will show it.',
    basis: 'inferred',
    consistent: true,
  };
}
