import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { runAnalyze } from './commands/analyze.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}

/** Builds the command-line program. Each command resolves to the process exit code. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command()
    .name('tlsdiag')
    .description('Passive TLS handshake analyzer: tells why each TLS handshake in a capture failed.')
    .version('0.1.0')
    .showHelpAfterError('(run tlsdiag --help for usage)');

  program
    .command('analyze', { isDefault: true })
    .description('analyze capture files (pcap, pcapng, gzip) or folders of them')
    .argument('<captures...>', 'capture files or folders')
    .option('--format <format>', 'output: text or ndjson', 'text')
    .option('--handshake-timeout <seconds>', 'a ClientHello unanswered this long is a server timeout', positiveNumber, 10)
    .option('--ca <file...>', 'extra trusted CA certificates (PEM), e.g. a private CA')
    .option('--failed', 'only failed connections')
    .action(async (captures, options) => {
      if (options.format !== 'text' && options.format !== 'ndjson') {
        process.stderr.write(`tlsdiag: unknown format '${options.format}' (text, ndjson)\n`);
        setExitCode(2);
        return;
      }
      setExitCode(
        await runAnalyze(captures, {
          format: options.format,
          handshakeTimeout: options.handshakeTimeout,
          caFiles: options.ca ?? [],
          failedOnly: options.failed === true,
        }),
      );
    });
  return program;
}

/** Entry point used by bin/tlsdiag.js; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    process.stderr.write(`tlsdiag: ${(error as Error).message}\n`);
    return 2;
  }
  return exitCode;
}
