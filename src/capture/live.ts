/**
 * Live capture from a network interface through `cap` (libpcap), an optional dependency: where its native part did
 * not build, file analysis still works and opening a live capture says what to install.
 *
 * cap copies each packet into the one Buffer given to open() and emits 'packet' synchronously; the next packet
 * overwrites it. Frames are therefore pushed as views valid only during the sink's call (the FrameSink contract):
 * each stage copies what it keeps. cap delivers neither a timestamp nor the original length, so frames are stamped
 * on arrival with the wall clock and their captured length stands for the original one. The kernel's drop counter,
 * which cap does not expose, is read through our own small addon (packet-stats.ts).
 */
import { packetStatisticsAvailable, readPacketStatistics } from './packet-stats.js';
import type { FrameSink } from './types.js';

/** What went wrong opening a live capture, so the CLI can say how to fix it. */
export type LiveCaptureErrorCode = 'cap-missing' | 'permission' | 'no-such-interface' | 'bad-filter' | 'failed';

export class LiveCaptureError extends Error {
  constructor(
    message: string,
    readonly code: LiveCaptureErrorCode,
    /** what the user can do about it, in plain words (may span lines) */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}

export interface InterfaceInfo {
  name: string;
  description: string | null;
  /** printable addresses (IPv4, IPv6) */
  addresses: string[];
  loopback: boolean;
}

export interface LiveCaptureOptions {
  /** interface name as `tlsdiag interfaces` lists it ('any' captures all of them, Linux) */
  device: string;
  /** BPF filter (pcap-filter(7)); '' captures everything */
  filter: string;
  /** bytes of kernel buffer libpcap asks for (default 16 MiB): packets arriving while it is full are dropped */
  bufferSize?: number;
}

// The slice of cap's API used here (cap ships no type declarations).
interface CapDevice {
  name: string;
  description?: string;
  addresses?: { addr?: string }[];
  flags?: string;
}
interface CapHandle {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): void;
}
interface CapModule {
  Cap: { new (): CapHandle; deviceList(): CapDevice[] };
}

/** cap's link type names (its open() return value) as LINKTYPE_* numbers (https://www.tcpdump.org/linktypes.html). */
const LINK_TYPE_BY_CAP_NAME: Readonly<Record<string, number>> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
};
/** cap names any other link type "Unknown linktype <DLT>"; above 103 a DLT number is its LINKTYPE number. */
const UNKNOWN_LINK_TYPE = /^Unknown linktype (\d+)$/;

/** libpcap's snaplen as cap sets it: no frame is longer. */
const SNAPLEN = 65535;
const DEFAULT_BUFFER_SIZE = 16 << 20;

const LIBPCAP_HEADERS =
  '  install the libpcap headers (Debian/Ubuntu: sudo apt-get install libpcap-dev; Fedora: sudo dnf install libpcap-devel),\n';

/**
 * cap is absent: npm drops an optional dependency whose build failed (no libpcap headers), so there is nothing to
 * rebuild. Installing again, once the headers are there, builds it.
 */
export const CAP_INSTALL_HINT =
  'live capture needs the optional package "cap", built against libpcap when tlsdiag is installed:\n' +
  LIBPCAP_HEADERS +
  '  then install tlsdiag again: npm install   (in a clone of the repository)\n' +
  '                          or: npm install -g --allow-scripts=cap tlsdiag   (a global install, or of a tarball)';

/** cap is there but its native part does not load (built against another Node, or its build step was skipped). */
export const CAP_REBUILD_HINT =
  'live capture needs the native part of the package "cap", built against libpcap:\n' +
  LIBPCAP_HEADERS +
  '  then run: npm rebuild cap   (in the folder tlsdiag is installed in)';

export const PERMISSION_HINT =
  'capturing packets needs root or the CAP_NET_RAW capability:\n' +
  '  run it with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(which node)")"';

/** Epoch seconds from a monotonic clock (microsecond resolution, no step backwards while the process runs). */
export function wallClockSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

let capModule: Promise<CapModule> | null = null;

/** Loads cap once; rejects with a LiveCaptureError ('cap-missing') that says what to install when it cannot. */
export function loadCap(): Promise<CapModule> {
  capModule ??= importCap();
  return capModule;
}

async function importCap(): Promise<CapModule> {
  // a specifier in a variable: cap is optional and untyped, so the compiler must not try to resolve it
  const specifier = 'cap';
  try {
    const loaded = (await import(specifier)) as { default?: CapModule } & CapModule;
    const cap = loaded.default ?? loaded;
    if (typeof cap.Cap?.deviceList !== 'function') throw new Error('the module "cap" has no Cap.deviceList');
    return cap;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = (error as Error)?.message ?? String(error);
    capModule = null;
    // ERR_MODULE_NOT_FOUND names the package itself when it is absent; a missing file inside it is a broken build
    if (code === 'ERR_MODULE_NOT_FOUND' && /['"]cap['"]/.test(message)) {
      throw new LiveCaptureError('the package "cap" is not installed (it is optional: npm leaves it out when its build fails)', 'cap-missing', CAP_INSTALL_HINT);
    }
    const why =
      code === 'ERR_DLOPEN_FAILED'
        ? `the package "cap" is installed but its native part does not load: ${message}`
        : `the package "cap" cannot be loaded: ${message}`;
    throw new LiveCaptureError(why, 'cap-missing', CAP_REBUILD_HINT);
  }
}

/** The devices libpcap can capture on, with their addresses. */
export async function listInterfaces(): Promise<InterfaceInfo[]> {
  const cap = await loadCap();
  return cap.Cap.deviceList().map((device) => ({
    name: device.name,
    description: device.description ?? null,
    addresses: (device.addresses ?? []).map((a) => a.addr ?? '').filter((a) => a !== ''),
    loopback: device.flags?.includes('LOOPBACK') === true,
  }));
}

/** A running capture on one interface. Packets go to the sink as they arrive, until close(). */
export class LiveCapture {
  packets = 0;
  bytes = 0;
  /** frames cut because they were longer than the packet buffer */
  truncated = 0;
  /**
   * Packets the kernel dropped because the capture did not keep up (its buffer was full), summed over readings of the
   * packet socket's counters (refreshStatistics); null when they cannot be read (unknown, not zero).
   */
  kernelDrops: number | null = packetStatisticsAvailable() ? 0 : null;
  /** the first error the sink threw (the capture goes on without that packet) */
  sinkError: string | null = null;
  private closed = false;

  constructor(
    readonly device: string,
    readonly filter: string,
    /** LINKTYPE_* number of the frames */
    readonly linkType: number,
    private readonly handle: CapHandle,
  ) {}

  /** Adds the kernel's drop counter since the last reading. */
  refreshStatistics(): void {
    if (this.closed || this.kernelDrops === null) return;
    const reading = readPacketStatistics();
    if (reading !== null) this.kernelDrops += reading.drops;
  }

  /** Stops capturing; safe to call twice. The process no longer waits for packets. */
  close(): void {
    if (this.closed) return;
    this.refreshStatistics();
    this.closed = true;
    this.handle.close();
  }
}

/**
 * Opens `options.device` with `options.filter` and pushes every packet to `sink`, stamped with wallClockSeconds().
 * Rejects with LiveCaptureError: cap missing, no permission, unknown interface (the message lists the real ones),
 * a filter libpcap rejects (in libpcap's words).
 */
export async function openLiveCapture(options: LiveCaptureOptions, sink: FrameSink): Promise<LiveCapture> {
  const cap = await loadCap();
  const devices = cap.Cap.deviceList();
  if (!devices.some((d) => d.name === options.device)) {
    const names = devices.map((d) => d.name);
    throw new LiveCaptureError(
      `no interface named "${options.device}"`,
      'no-such-interface',
      `interfaces: ${names.length > 0 ? names.join(', ') : '(none: libpcap sees no device; try as root)'}\n  (tlsdiag interfaces lists them with their addresses)`,
    );
  }

  const handle = new cap.Cap();
  const buffer = Buffer.alloc(SNAPLEN);
  let linkName: string;
  try {
    linkName = handle.open(options.device, options.filter, options.bufferSize ?? DEFAULT_BUFFER_SIZE, buffer);
  } catch (error) {
    throw classifyOpenError(cap, options, (error as Error)?.message ?? String(error));
  }

  const linkType = LINK_TYPE_BY_CAP_NAME[linkName] ?? Number(UNKNOWN_LINK_TYPE.exec(linkName)?.[1] ?? -1);
  const capture = new LiveCapture(options.device, options.filter, linkType, handle);
  handle.on('packet', (nbytes, truncated) => {
    capture.packets++;
    capture.bytes += nbytes;
    if (truncated) capture.truncated++;
    try {
      sink.frame(buffer.subarray(0, nbytes), wallClockSeconds(), linkType, nbytes);
    } catch (error) {
      // an exception here would surface in cap's native loop and end the process: keep the first one and go on
      capture.sinkError ??= (error as Error)?.message ?? String(error);
    }
  });
  return capture;
}

const PERMISSION_WORDS = /operation not permitted|permission denied|don't have permission/i;
const NO_DEVICE_WORDS = /no such device/i;

/**
 * Names an open() failure. libpcap reports permission and device problems when the interface is activated, filter
 * problems afterwards in its own words; which one it was is told by opening again without the filter.
 */
function classifyOpenError(cap: CapModule, options: LiveCaptureOptions, message: string): LiveCaptureError {
  if (PERMISSION_WORDS.test(message)) {
    return new LiveCaptureError(`cannot capture on ${options.device}: ${message}`, 'permission', PERMISSION_HINT);
  }
  if (NO_DEVICE_WORDS.test(message)) {
    return new LiveCaptureError(`cannot capture on ${options.device}: ${message}`, 'no-such-interface', 'tlsdiag interfaces lists the interfaces');
  }
  if (options.filter !== '') {
    const probe = new cap.Cap();
    try {
      probe.open(options.device, '', 1 << 16, Buffer.alloc(SNAPLEN));
      probe.close();
      return new LiveCaptureError(
        `the capture filter "${options.filter}" is not valid: ${message}`,
        'bad-filter',
        'the filter syntax is pcap-filter(7), as for tcpdump: e.g. "tcp port 443", "host 192.0.2.1 and tcp"',
      );
    } catch {
      // fails without the filter too: the problem is not the filter
    }
  }
  return new LiveCaptureError(`cannot capture on ${options.device}: ${message}`, 'failed', '');
}
