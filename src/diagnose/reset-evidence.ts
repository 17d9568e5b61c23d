/** The evidence lines the three reset rules share. */
import type { RuleContext } from './context.js';
import { actSentence } from './evidence.js';

/** The reset as the first failure act, or null when something else (an alert, a FIN) ended the handshake first. */
export function resetLines(facts: RuleContext): string[] | null {
  const act = facts.failureAct;
  const reset = facts.reset;
  if (!act || act.kind !== 'RST' || !reset) return null;
  const lines = [actSentence(facts, act), 'no alert was sent before it'];
  if (reset.usualTtl !== null && reset.forgedBecause.length === 0) {
    lines.push(`the RST's TTL ${reset.ttl} matches the ${reset.from}'s earlier packets (TTL ${reset.usualTtl})`);
  }
  return lines;
}
