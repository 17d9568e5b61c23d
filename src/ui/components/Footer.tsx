import { Box, Text } from 'ink';
import { clip, count, safe } from '../format.js';
import { sortChoice } from '../list-order.js';
import type { TuiSnapshot } from '../store.js';
import { useTheme } from './theme-context.js';

export const FOOTER_HEIGHT = 2;

const LIST_HINT = '↑↓ move  Enter open  f failed  / filter  c cause  s sort  ? help  q quit';
const DETAIL_HINT = '↑↓ PgUp PgDn scroll  Esc back  ? help  q quit';

/** What the list is showing (filters, order, position) and the keys that matter here; the latest notice if any. */
export function Footer({ snapshot, width }: { snapshot: TuiSnapshot; width: number }) {
  const theme = useTheme();
  const { view, rows } = snapshot;
  const parts: string[] = [];
  if (view.screen === 'list') {
    parts.push(rows.length === 0 ? '0 of 0' : `${count(view.selected + 1)} of ${count(rows.length)}`);
    parts.push(view.filter.failedOnly ? 'failed only' : 'all outcomes');
    if (view.filter.cause !== null) parts.push(`cause ${view.filter.cause}`);
    if (view.filter.sensor !== null) parts.push(`sensor ${safe(view.filter.sensor, 64)}`);
    parts.push(`sorted by ${sortChoice(view.sort).label}`);
  } else if (view.detail !== null) {
    parts.push(`connection ${safe(view.detail.id, 80)}`);
  }
  const notice = snapshot.notices.length > 0 ? snapshot.notices[snapshot.notices.length - 1] : null;
  return (
    <Box flexDirection="column">
      {view.editingFilter ? (
        <Text wrap="truncate-end">
          <Text color={theme.color('accent')} bold>filter /</Text>
          <Text>{view.filter.text}</Text>
          <Text inverse> </Text>
          <Text color={theme.color('muted')}>  IP, port or SNI · Enter keep · Esc clear</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text color={theme.color('muted')}>{parts.join(' · ')}</Text>
          {view.filter.text !== '' && view.screen === 'list' ? <Text color={theme.color('accent')}>{`  /${view.filter.text}`}</Text> : null}
          {notice !== null ? <Text color={theme.color('warning')}>{'  ! ' + clip(safe(notice, 300), Math.max(20, width - 60))}</Text> : null}
        </Text>
      )}
      <Text wrap="truncate-end" color={theme.color('muted')}>
        {view.screen === 'detail' ? DETAIL_HINT : LIST_HINT}
      </Text>
    </Box>
  );
}
