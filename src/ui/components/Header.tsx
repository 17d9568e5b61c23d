import { Box, Text } from 'ink';
import type { FeedProgress } from '../feed.js';
import { bytes, clip, count } from '../format.js';
import type { TuiSnapshot } from '../store.js';
import { useTheme } from './theme-context.js';

/** Lines the header always takes: the layout depends on it. */
export const HEADER_HEIGHT = 4;

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Reading progress in file mode, capture rate in live mode, a plain summary once the analysis is over. */
export function progressText(progress: FeedProgress | null, finished: boolean, width: number): string {
  if (progress === null) return finished ? 'done' : 'starting…';
  if (progress.fleet !== undefined) {
    const f = progress.fleet;
    const state = f.problem !== null ? `waiting: ${f.problem}` : finished ? 'stopped' : 'following';
    return `${state}: ${count(f.records)} records from ${count(f.sensors)} sensor(s) in ${count(f.streams)} stream(s)`;
  }
  const packets = `${count(progress.packets)} packets`;
  if (progress.live) {
    const drops = progress.kernelDrops !== null && progress.kernelDrops > 0 ? `, ${count(progress.kernelDrops)} dropped by the kernel` : '';
    const state = finished ? 'capture stopped' : 'capturing';
    return `${state}: ${packets}, ${count(Math.round(progress.packetsPerSecond))} packets/s${drops}, ${count(progress.openConnections)} open`;
  }
  if (finished) return `read ${bytes(progress.bytesRead)}, ${packets}`;
  const total = progress.totalBytes ?? 0;
  const fraction = total > 0 ? progress.bytesRead / total : 0;
  const tail = ` ${Math.floor(fraction * 100)}%  ${bytes(progress.bytesRead)} / ${bytes(total)}  ${count(Math.round(progress.packetsPerSecond))} packets/s`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 10));
  return `reading ${bar(fraction, barWidth)}${tail}`;
}

/** Names of the capture(s), the progress, then how the connections ended and why. */
export function Header({ snapshot, title, width }: { snapshot: TuiSnapshot; title: string; width: number }) {
  const theme = useTheme();
  const { counts, causes, total, progress, finished, view } = snapshot;
  const causeParts: string[] = [];
  let used = 8;
  for (const [code, n] of causes) {
    const part = `${code} ${count(n)}`;
    if (used + part.length + 3 > width) {
      causeParts.push(`+${causes.length - causeParts.length} more`);
      break;
    }
    causeParts.push(part);
    used += part.length + 3;
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold color={theme.color('accent')}>tlsdiag</Text>
        <Text>  {clip(title, Math.max(10, width - 10))}</Text>
      </Text>
      <Text wrap="truncate-end" color={theme.color(finished ? 'muted' : 'accent')}>
        {progressText(progress, finished, width)}
      </Text>
      <Text wrap="truncate-end">
        <Text bold>{count(total)} connections  </Text>
        <Text color={theme.color(counts.failed > 0 ? 'error' : 'muted')} bold={counts.failed > 0}>✗ {count(counts.failed)} failed</Text>
        <Text>  </Text>
        <Text color={theme.color(counts.incomplete > 0 ? 'warning' : 'muted')}>◌ {count(counts.incomplete)} incomplete</Text>
        <Text>  </Text>
        <Text color={theme.color('ok')}>✓ {count(counts.established)} established</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text color={theme.color('muted')}>causes  </Text>
        {causeParts.length === 0 ? (
          <Text color={theme.color('muted')}>none</Text>
        ) : (
          causeParts.map((part, i) => (
            <Text key={i} color={theme.color(part.startsWith(view.filter.cause ?? '\0') ? 'accent' : 'error')} underline={view.filter.cause !== null && part.startsWith(view.filter.cause)}>
              {i > 0 ? ' · ' : ''}
              {part}
            </Text>
          ))
        )}
      </Text>
    </Box>
  );
}
