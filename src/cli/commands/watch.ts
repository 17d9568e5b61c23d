import { sanitizeForTerminal } from '../../model/sanitize.js';
import { isSensorName } from '../../sink/stamp.js';
import { loadTui } from '../../ui/load.js';
import type { FeedListener } from '../../ui/feed.js';
import { FleetFeed } from '../fleet-feed.js';
import { recordToNdjson } from '../output/ndjson.js';
import { diagnosisLines, recordToTextLine, TEXT_HEADER } from '../output/text.js';
import { collect, type CommandContext } from '../program.js';
import { parseTimePoint } from '../time-window.js';

/** `tlsdiag watch redis://host:port/KEY` — the terminal UI over every sensor's records in the fleet's streams. */
export function registerWatch({ program, setExitCode }: CommandContext): void {
  program
    .command('watch')
    .description("the terminal UI over the records sensors ship to Redis (--output redis://...): every sensor's connections in one list")
    .argument('<url>', 'redis://[user:password@]host:port/KEY (rediss:// over TLS, redis+cluster:// for a Redis Cluster)')
    .option('--since <when>', 'connections that began at or after this (30m, 24h, 7d back from now, or an ISO date)', (v) => parseTimePoint(v), undefined as number | undefined)
    .option('--sensor <name>', 'only these sensors; repeat for several (in the UI, n steps through the sensors)', collect, [] as string[])
    .option('--failed', 'only failed connections')
    .option('--format <format>', 'without the UI: text or ndjson', 'text')
    .option('--once', 'without the UI: print what the streams hold now and stop, rather than follow them')
    .option('--no-tui', 'plain lines even on a terminal')
    .action(async (url, options) => {
      if (options.format !== 'text' && options.format !== 'ndjson') {
        process.stderr.write(`tlsdiag: unknown format '${sanitizeForTerminal(options.format, 40)}' (text, ndjson)\n`);
        setExitCode(2);
        return;
      }
      const bad = options.sensor.find((name) => !isSensorName(name));
      if (bad !== undefined) {
        process.stderr.write(`tlsdiag watch: --sensor '${sanitizeForTerminal(bad, 80)}' is not a sensor name\n`);
        setExitCode(2);
        return;
      }
      const tui = options.tui !== false && options.once !== true && options.format === 'text' && process.stdout.isTTY === true && process.stdin.isTTY === true;
      let feed: FleetFeed;
      try {
        feed = await FleetFeed.open(url, { since: options.since ?? Date.now() / 1000 - 3600, sensors: options.sensor, once: options.once === true && !tui });
      } catch (error) {
        process.stderr.write(`tlsdiag watch: ${sanitizeForTerminal((error as Error).message, 500)}\n`);
        setExitCode(2);
        return;
      }
      const failedOnly = options.failed === true;
      if (tui) {
        const { runTui } = await loadTui();
        await runTui(feed, { title: `tlsdiag watch — ${feed.target.display}`, live: true, failedOnly });
        feed.stop();
        await feed.done;
        return;
      }
      const stop = () => feed.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      feed.subscribe(printer(options.format, failedOnly));
      await feed.done;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (feed.failure !== null) setExitCode(2);
    });
}

function printer(format: 'text' | 'ndjson', failedOnly: boolean): FeedListener {
  const ignore = () => undefined;
  if (format === 'text') process.stdout.write(`${'sensor'.padEnd(14)}${TEXT_HEADER}\n`);
  return {
    record(record) {
      if (failedOnly && record.outcome !== 'failed') return;
      if (format === 'ndjson') {
        process.stdout.write(recordToNdjson(record) + '\n');
        return;
      }
      process.stdout.write(`${sanitizeForTerminal(record.sensor ?? '', 12).padEnd(14)}${recordToTextLine(record)}\n`);
      for (const line of diagnosisLines(record)) process.stdout.write(line + '\n');
    },
    progress: ignore,
    notice: (message) => process.stderr.write(`tlsdiag watch: ${sanitizeForTerminal(message, 500)}\n`),
    finished: ignore,
  };
}
