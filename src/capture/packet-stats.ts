/**
 * The kernel's counters of the packet sockets live capture reads from (Linux PACKET_STATISTICS, packet(7)): how many
 * packets the kernel dropped because the capture did not keep up. Read through our small native addon
 * (native/packet-stats, built by `npm run build` where a C compiler and Node's headers are present), because the
 * capture binding does not expose pcap_stats(). Where the addon is absent every reading is null: unknown, never 0.
 */
import { createRequire } from 'node:module';

interface PacketStatsAddon {
  socketStatistics(): { fd: number; packets: number; drops: number }[];
}

/** The addon as built beside the sources: the same relative path from src/capture and dist/capture. */
const ADDON_PATH = '../../native/packet-stats/build/Release/packet_stats.node';

let addon: PacketStatsAddon | null | undefined;

function load(): PacketStatsAddon | null {
  if (addon !== undefined) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as PacketStatsAddon;
    if (typeof addon.socketStatistics !== 'function') addon = null;
  } catch {
    addon = null;
  }
  return addon;
}

/** Whether kernel drop counters can be read on this system. */
export function packetStatisticsAvailable(): boolean {
  return load() !== null;
}

/**
 * Packets received and dropped by this process's packet sockets since the previous reading (each reading starts the
 * kernel's counters over), or null when they cannot be read.
 */
export function readPacketStatistics(): { packets: number; drops: number } | null {
  const stats = load();
  if (stats === null) return null;
  try {
    let packets = 0;
    let drops = 0;
    for (const socket of stats.socketStatistics()) {
      packets += socket.packets;
      drops += socket.drops;
    }
    return { packets, drops };
  } catch {
    return null;
  }
}
