/**
 * From every finding that fits a failed connection to one diagnosis: the primary cause, how sure it is, and the
 * other causes that fit (docs/causes.md, "Confidence and alternatives").
 *
 * Order of evidence: a cause whose basis is stronger wins — stated by a peer, then verified by tlsdiag on the capture,
 * then inferred from sizes and timing, then assumed. Only findings consistent with what the peers did and when can be
 * the primary cause; a finding that is true of the facts but did not end this handshake (a certificate defect the
 * client hung up on 1.3 s later) is an alternative. Descriptive causes — who reset or closed, an alert no cause claims
 * — are primary only where no specific cause is consistent. Within one basis, a finding's weight, then the rule
 * table's order (most specific first) decide.
 */
import type { AlternativeCause, Confidence, Diagnosis, EvidenceBasis } from '../model/record.js';
import type { Finding } from './context.js';
import type { RuleKind } from './rules/index.js';

export const BASIS_RANK: Readonly<Record<EvidenceBasis, number>> = { stated: 3, verified: 2, inferred: 1, assumed: 0 };

export interface WeighedFinding extends Finding {
  kind: RuleKind;
  /** position in the rule table: lower is more specific */
  order: number;
}

/** Most alternatives shown: the strongest few are what a reader weighs; the rest add noise. */
const MAX_ALTERNATIVES = 4;

/** Picks the primary finding and rates it; null when there is no finding at all. */
export function weigh(findings: readonly WeighedFinding[]): Diagnosis | null {
  if (findings.length === 0) return null;
  const ranked = [...findings].sort(compare);
  const primary = ranked[0];
  // a descriptive finding says what happened, which a specific primary cause already explains: not an alternative
  const explained = primary.kind === 'specific' && primary.consistent;
  const rest = ranked
    .slice(1)
    .filter((f, i, all) => f.code !== primary.code && all.findIndex((g) => g.code === f.code) === i)
    .filter((f) => !(explained && f.kind === 'descriptive'));
  const confidence = lower(rate(primary, rest), primary.ceiling);
  const alternatives: AlternativeCause[] = rest.slice(0, MAX_ALTERNATIVES).map((f) => ({ code: f.code, why: reasonOf(f, primary) }));
  const { code, title, evidence, fix, basis } = primary;
  return { code, title, evidence, fix, basis, confidence, alternatives };
}

/** Consistent before inconsistent; specific before descriptive; stronger basis, weight, then table order. */
function compare(a: WeighedFinding, b: WeighedFinding): number {
  return (
    Number(b.consistent) - Number(a.consistent) ||
    Number(b.kind === 'specific') - Number(a.kind === 'specific') ||
    BASIS_RANK[b.basis] - BASIS_RANK[a.basis] ||
    (b.weight ?? 0) - (a.weight ?? 0) ||
    a.order - b.order
  );
}

/**
 * high: a stated or verified cause that the peers' behaviour agrees with, and no other consistent specific cause as
 * strong. medium: an inferred cause without a rival, a strong cause with a rival, or a descriptive one without
 * rivals. low: everything else — assumed causes, inferred ones with rivals, causes the peers' acts do not fit.
 */
function rate(primary: WeighedFinding, rest: readonly WeighedFinding[]): Confidence {
  if (!primary.consistent) return 'low';
  if (primary.kind === 'descriptive') {
    return rest.some((f) => f.kind === 'specific' && BASIS_RANK[f.basis] >= BASIS_RANK.inferred) ? 'low' : 'medium';
  }
  const rivals = rest.filter((f) => f.consistent && f.kind === 'specific' && BASIS_RANK[f.basis] >= BASIS_RANK[primary.basis]);
  switch (primary.basis) {
    case 'stated':
    case 'verified':
      return rivals.length === 0 ? 'high' : 'medium';
    case 'inferred':
      return rivals.length === 0 ? 'medium' : 'low';
    default:
      return 'low';
  }
}

const CONFIDENCE_ORDER: readonly Confidence[] = ['low', 'medium', 'high'];

function lower(confidence: Confidence, ceiling: Confidence | undefined): Confidence {
  if (ceiling === undefined) return confidence;
  return CONFIDENCE_ORDER.indexOf(ceiling) < CONFIDENCE_ORDER.indexOf(confidence) ? ceiling : confidence;
}

/** The alternative's reason in one line: its basis, and why it is not the primary. */
function reasonOf(f: WeighedFinding, primary: WeighedFinding): string {
  const title = f.title.charAt(0).toLowerCase() + f.title.slice(1);
  return `${title} (${f.basis}): ${f.caveat ?? whyNotPrimary(f, primary)}`;
}

function whyNotPrimary(f: WeighedFinding, primary: WeighedFinding): string {
  if (!f.consistent) return "what the peers did, and when, does not fit it";
  if (BASIS_RANK[f.basis] < BASIS_RANK[primary.basis]) return `fits too, on a weaker basis than the primary cause (${primary.basis})`;
  if ((f.weight ?? 0) < (primary.weight ?? 0)) return 'fits too, on the same basis, but the packets point less directly to it than to the primary cause';
  return 'fits as well as the primary cause, which the rule order ranks as more specific';
}
