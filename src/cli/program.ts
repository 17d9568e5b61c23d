import { Command, InvalidArgumentError } from '@commander-js/extra-typings';

/** What every command file gets: the program to add itself to, and how to set the process exit code. */
export interface CommandContext {
  program: Command;
  setExitCode(code: number): void;
}

/** A commander argument parser for a positive number of seconds. */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}

/**
 * Collects a repeatable option (`--ca a.pem --ca b.pem`). A variadic option (`<file...>`) would also swallow the
 * capture paths that follow it: `--ca root.pem captures/` must leave `captures/` to the arguments.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Collects a repeatable TCP port (`--tls-port 8443 --tls-port 10443`), each 1–65535. */
export function collectPort(value: string, previous: number[] = []): number[] {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a TCP port, 1 to 65535');
  return [...previous, port];
}

/** The help text of --tls-port, the same on every command. */
export const TLS_PORT_HELP =
  'also report failed TCP connects (no payload) to this port; repeat for several (443, 993, ... and ports the capture shows carrying TLS are known)';
