import { Box, Text } from 'ink';
import { KEY_HELP } from '../keys.js';
import { useTheme } from './theme-context.js';

export function Help({ height }: { height: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={theme.color('accent')}>Keys</Text>
      {KEY_HELP.map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Text bold>{keys.padEnd(18)}</Text>
          <Text>{what}</Text>
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end" color={theme.color('muted')}>
        Rows: ✗ failed (red), ◌ incomplete or with warnings (yellow), ✓ established. Times are UTC.
      </Text>
      <Text color={theme.color('muted')}>Any key closes this help.</Text>
    </Box>
  );
}
