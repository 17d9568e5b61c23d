import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ConnectionRecord } from '../../model/record.js';
import { headerRow, listColumns, rowMark, rowText, type ListColumns } from '../list-columns.js';
import type { TuiSnapshot } from '../store.js';
import type { Tone } from '../theme.js';
import { useTheme } from './theme-context.js';

function rowTone(r: ConnectionRecord): Tone {
  if (r.outcome === 'failed') return 'error';
  if (r.outcome === 'incomplete' || r.warnings.length > 0) return 'warning';
  return 'plain';
}

const Row = memo(function Row({ record, selected, columns }: { record: ConnectionRecord; selected: boolean; columns: ListColumns }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end" inverse={selected} color={theme.color(rowTone(record))}>
      {rowMark(record, selected)}
      {rowText(record, columns)}
    </Text>
  );
});

/**
 * The visible slice of the connection list: only `pageSize` rows are ever rendered, whatever the number of records.
 */
export function ConnectionList({ snapshot, width, height }: { snapshot: TuiSnapshot; width: number; height: number }) {
  const theme = useTheme();
  const columns = listColumns(width, snapshot.sensors.length > 0);
  const { rows, view } = snapshot;
  const visible = rows.slice(view.top, view.top + height);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text wrap="truncate-end" color={theme.color('muted')} bold>
        {headerRow(columns)}
      </Text>
      {visible.length === 0 ? (
        <Text color={theme.color('muted')}>{emptyMessage(snapshot)}</Text>
      ) : (
        visible.map((record, i) => <Row key={record.uid ?? record.id + '\0' + record.capture} record={record} selected={view.top + i === view.selected} columns={columns} />)
      )}
    </Box>
  );
}

function emptyMessage(snapshot: TuiSnapshot): string {
  if (snapshot.total === 0) return snapshot.finished ? '  no TLS connections in this capture' : '  waiting for the first connection to end…';
  return `  none of the ${snapshot.total} connections match the filters (Esc clears them)`;
}
