import { readFileSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import { registerAnalyze } from './commands/analyze.js';
import { registerInterfaces } from './commands/interfaces.js';
import { registerLive } from './commands/live.js';
import { registerReport } from './commands/report.js';
import { registerWatch } from './commands/watch.js';
import type { CommandContext } from './program.js';

/** Each command lives in its own file under commands/ and adds itself here. */
const COMMANDS: ((context: CommandContext) => void)[] = [registerAnalyze, registerLive, registerInterfaces, registerReport, registerWatch];

/**
 * The version of the installed package: package.json sits two folders above this file both in the repository
 * (src/cli/main.ts) and in an installed package (dist/cli/main.js), and npm always ships it.
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** Builds the command-line program. Each command reports its exit code through `setExitCode`. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command()
    .name('tlsdiag')
    .description('Passive TLS handshake analyzer: tells why each TLS handshake in a capture failed.')
    .version(packageVersion(), '-V, --version', 'print the version of tlsdiag')
    .showHelpAfterError('(run tlsdiag --help for usage)')
    // before the commands are added: they copy it, so their usage errors exit 2 through main() rather than 1
    .exitOverride();
  for (const register of COMMANDS) register({ program, setExitCode });
  return program;
}

/** Entry point used by bin/tlsdiag.js; returns the exit code (0 success, 2 bad input or usage). */
export async function main(argv: string[]): Promise<number> {
  // `tlsdiag ... | head` closes our stdout early: that is the reader's choice, not an error worth a stack trace.
  // Any other failure to write the output (a full disk, `> /dev/full`, a revoked terminal) ends the run with one line
  // naming it and exit code 2: the output is incomplete, and going on would only fail again.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`tlsdiag: cannot write the output: ${describeWriteError(error)}\n`);
    process.exit(2);
  });
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    process.stderr.write(`tlsdiag: ${(error as Error).message}\n`);
    return 2;
  }
  return exitCode;
}

/** 'ENOSPC (no space left on device)' from a write error, without Node's ', write' suffix or a stack. */
function describeWriteError(error: NodeJS.ErrnoException): string {
  const reason = (error.message ?? '').replace(/^[A-Z]+: /, '').replace(/, write$/, '');
  return error.code ? `${error.code} (${reason})` : reason || 'unknown error';
}
