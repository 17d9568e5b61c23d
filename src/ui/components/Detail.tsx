import { Box, Text } from 'ink';
import type { ConnectionRecord } from '../../model/record.js';
import { summaryLines } from '../detail-lines.js';
import { endpoint, safe } from '../format.js';
import { BLANK, heading, type Line } from '../lines.js';
import { timelineLines } from '../timeline-lines.js';
import { LineView } from './LineView.js';
import { useTheme } from './theme-context.js';

/** At this width and above, the timeline and the diagnosis stand side by side. */
export const SIDE_BY_SIDE_WIDTH = 120;

export interface DetailLayout {
  /** one column (narrow terminals) or the timeline beside the summary */
  columns: Line[][];
  widths: number[];
}

/**
 * The detail page laid out for a width: on a narrow terminal the diagnosis comes first (it answers the question),
 * then the timeline; on a wide one the timeline is on the left and the diagnosis, hellos and certificates beside it.
 */
export function detailLayout(r: ConnectionRecord, width: number): DetailLayout {
  if (width >= SIDE_BY_SIDE_WIDTH) {
    const left = Math.min(80, Math.floor(width * 0.5));
    const right = width - left - 3;
    return { columns: [[heading('Timeline'), ...timelineLines(r, left)], summaryLines(r, right)], widths: [left, right] };
  }
  const summary = summaryLines(r, width);
  // the diagnosis block ends at the first blank line: the timeline goes right after it
  const split = summary.indexOf(BLANK);
  const diagnosis = split < 0 ? summary : summary.slice(0, split);
  const rest = split < 0 ? [] : summary.slice(split);
  return { columns: [[...diagnosis, BLANK, heading('Timeline'), ...timelineLines(r, width), ...rest]], widths: [width] };
}

/** How far the detail page can scroll for a given number of visible lines. */
export function detailScrollMax(layout: DetailLayout, height: number): number {
  let longest = 0;
  for (const column of layout.columns) longest = Math.max(longest, column.length);
  return Math.max(0, longest - height);
}

export function Detail({ record, layout, scroll, height }: { record: ConnectionRecord; layout: DetailLayout; scroll: number; height: number }) {
  const theme = useTheme();
  const sni = record.tls.clientHello?.sni;
  const top = Math.min(scroll, detailScrollMax(layout, height - 1));
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate-end">
        <Text color={theme.color('muted')}>← Esc  </Text>
        <Text bold>{endpoint(record.client.ip, record.client.port)} → {endpoint(record.server.ip, record.server.port)}</Text>
        {sni ? <Text color={theme.color('accent')}>  {safe(sni, 120)}</Text> : null}
        <Text color={theme.color(record.outcome === 'failed' ? 'error' : record.outcome === 'incomplete' ? 'warning' : 'ok')}>  {record.outcome}</Text>
        <Text color={theme.color('muted')}>  {safe(record.capture, 120)}</Text>
      </Text>
      <Box flexDirection="row">
        {layout.columns.map((column, i) => (
          <Box key={i} flexDirection="column" width={layout.widths[i]} marginRight={i + 1 < layout.columns.length ? 3 : 0}>
            {column.slice(top, top + height - 1).map((line, j) => (
              <LineView key={j} line={line} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
