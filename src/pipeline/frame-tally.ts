import type { DecodeResult } from '../decode/types.js';
import { linkTypeName } from '../decode/link.js';

/**
 * Counts a frame that carried no TCP segment by why (another protocol, an IP fragment, damage), and names each link
 * type that is not read once in the notes. Shared by the Analyzer and the reader of a sharded analysis, which meets
 * those frames before any worker would.
 */
/** The counters a NonTcpTally adds to (an Analyzer's stats). */
export interface NonTcpCounts {
  otherFrames: number;
  fragments: number;
  malformedFrames: number;
}

export class NonTcpTally {
  private readonly unsupportedLinks = new Set<number>();

  constructor(
    private readonly stats: NonTcpCounts,
    private readonly notes: string[],
  ) {}

  count(result: Exclude<DecodeResult, 'tcp'>, linkType: number): void {
    const stats = this.stats;
    if (result === 'other') stats.otherFrames++;
    else if (result === 'fragment') stats.fragments++;
    else if (result === 'malformed') stats.malformedFrames++;
    else if (!this.unsupportedLinks.has(linkType)) {
      this.unsupportedLinks.add(linkType);
      this.notes.push(`link type ${linkType} (${linkTypeName(linkType)}) is not supported: its frames were skipped`);
    }
  }
}
