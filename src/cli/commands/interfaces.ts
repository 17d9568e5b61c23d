import { LiveCaptureError, listInterfaces, type InterfaceInfo } from '../../capture/live.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import type { CommandContext } from '../program.js';
import { printableLines } from '../output/live-printers.js';

/** `tlsdiag interfaces` — the devices `tlsdiag live -i` can capture on, with their addresses. */
export function registerInterfaces({ program, setExitCode }: CommandContext): void {
  program
    .command('interfaces')
    .description('list the network interfaces live capture can use, with their addresses')
    .action(async () => {
      setExitCode(await runInterfaces());
    });
}

/** Exit codes: 0 listed; 2 live capture is not available (cap missing). */
export async function runInterfaces(): Promise<number> {
  let interfaces: InterfaceInfo[];
  try {
    interfaces = await listInterfaces();
  } catch (error) {
    if (!(error instanceof LiveCaptureError)) throw error;
    process.stderr.write(`tlsdiag: ${sanitizeForTerminal(error.message, 500)}\n${printableLines(error.hint)}`);
    return 2;
  }
  if (interfaces.length === 0) {
    // libpcap lists only what it may open: an unprivileged user may see none
    process.stdout.write('no interfaces found (capturing needs root or CAP_NET_RAW; try with sudo)\n');
    return 0;
  }
  const width = Math.min(24, Math.max(...interfaces.map((i) => i.name.length)));
  for (const device of interfaces) {
    const about = [
      ...device.addresses,
      ...(device.loopback ? ['(loopback)'] : []),
      ...(device.description !== null ? [`(${device.description})`] : []),
    ];
    process.stdout.write(`${sanitizeForTerminal(device.name, 64).padEnd(width)}  ${sanitizeForTerminal(about.join('  '), 1000)}\n`.trimEnd() + '\n');
  }
  return 0;
}
