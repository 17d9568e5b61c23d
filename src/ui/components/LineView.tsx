import { Text } from 'ink';
import type { Line } from '../lines.js';
import { useTheme } from './theme-context.js';

/** One prepared line: its toned segments, never wrapped by Ink (the lines were laid out to fit already). */
export function LineView({ line }: { line: Line }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {line.length === 0
        ? ' '
        : line.map((s, i) => (
            <Text key={i} color={theme.color(s.tone)} bold={s.bold === true}>
              {s.text}
            </Text>
          ))}
    </Text>
  );
}
