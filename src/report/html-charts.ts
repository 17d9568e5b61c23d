/**
 * The report's charts as inline SVG, drawn by hand: no chart library and nothing loaded, so the page works offline
 * and from a mail attachment. Every label passes through escapeHtml (cause codes come from records, which may come
 * from NDJSON files anyone could write).
 */
import { formatBucketStart, formatSpan, largest } from './format.js';
import { escapeHtml } from './html-escape.js';
import type { CauseRow, TimeBucket } from './types.js';

const FAILED_COLOR = '#c62828';
const TOTAL_COLOR = '#cfd8dc';

/**
 * Connections (grey) and failures (red) per bucket as columns on one axis. Hovering a column shows its counts
 * (an SVG <title>).
 */
export function timelineSvg(buckets: readonly TimeBucket[], bucketSeconds: number): string {
  const width = 960;
  const height = 240;
  const left = 48;
  const bottom = 24;
  const top = 12;
  const plotWidth = width - left - 8;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, largest(buckets.map((b) => b.connections)));
  const step = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(1, step * 0.8);
  const y = (n: number) => top + plotHeight - (n / max) * plotHeight;
  const parts: string[] = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Connections and failures over time">`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 8}" y2="${top + plotHeight}" stroke="#90a4ae"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#90a4ae"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end" class="axis">${max}</text>`,
    `<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" class="axis">0</text>`,
  ];
  buckets.forEach((b, i) => {
    const x = left + i * step + (step - barWidth) / 2;
    const label = `${formatBucketStart(b.start)} UTC, ${formatSpan(bucketSeconds)}: ${b.connections} connection(s), ${b.failed} failed`;
    parts.push(`<g><title>${escapeHtml(label)}</title>`);
    parts.push(`<rect x="${x.toFixed(1)}" y="${y(b.connections).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(b.connections)).toFixed(1)}" fill="${TOTAL_COLOR}"/>`);
    if (b.failed > 0) {
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(b.failed).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(b.failed)).toFixed(1)}" fill="${FAILED_COLOR}"/>`);
    }
    parts.push('</g>');
  });
  // first, middle and last bucket are labelled: enough to read the span without crowding
  const ticks = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])].filter((i) => i >= 0 && i < buckets.length);
  for (const i of ticks) {
    const x = left + i * step + step / 2;
    const anchor = i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle';
    const tx = anchor === 'start' ? left : anchor === 'end' ? width - 8 : x;
    parts.push(`<text x="${tx.toFixed(1)}" y="${height - 6}" text-anchor="${anchor}" class="axis">${escapeHtml(formatBucketStart(buckets[i].start))}</text>`);
  }
  parts.push(
    `<rect x="${width - 190}" y="${top}" width="10" height="10" fill="${TOTAL_COLOR}"/><text x="${width - 176}" y="${top + 9}" class="axis">connections</text>`,
    `<rect x="${width - 90}" y="${top}" width="10" height="10" fill="${FAILED_COLOR}"/><text x="${width - 76}" y="${top + 9}" class="axis">failed</text>`,
    '</svg>',
  );
  return parts.join('');
}

/**
 * Bars drawn in the causes chart: enough for every cause the rules give; the rest are counted in a closing line (the
 * table below lists them).
 */
export const MAX_CHART_CAUSES = 40;

/** Failures per cause as horizontal bars, most frequent first; at most MAX_CHART_CAUSES, the rest counted. */
export function causesSvg(all: readonly CauseRow[]): string {
  const causes = all.slice(0, MAX_CHART_CAUSES);
  const notDrawn = all.length - causes.length;
  const width = 960;
  const rowHeight = 24;
  const labelWidth = 260;
  const height = (Math.max(1, causes.length) + (notDrawn > 0 ? 1 : 0)) * rowHeight + 8;
  const max = Math.max(1, largest(causes.map((c) => c.count)));
  const barSpace = width - labelWidth - 70;
  const parts: string[] = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Failures by cause">`,
  ];
  causes.forEach((c, i) => {
    const y = 4 + i * rowHeight;
    const bar = Math.max(2, (c.count / max) * barSpace);
    parts.push(`<g><title>${escapeHtml(`${c.code}: ${c.count} failure(s) — ${c.title}`)}</title>`);
    parts.push(`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" class="label">${escapeHtml(c.code)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${bar.toFixed(1)}" height="${rowHeight - 8}" fill="${FAILED_COLOR}"/>`);
    parts.push(`<text x="${(labelWidth + bar + 6).toFixed(1)}" y="${y + 16}" class="label">${c.count}</text></g>`);
  });
  if (notDrawn > 0) {
    const y = 4 + causes.length * rowHeight;
    parts.push(`<text x="${labelWidth}" y="${y + 16}" class="label">… and ${notDrawn} more cause(s), in the table below</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
