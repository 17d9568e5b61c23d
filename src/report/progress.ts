import { formatMegabytes } from './format.js';

export interface ProgressState {
  filesDone: number;
  files: number;
  bytesDone: number;
  bytesTotal: number;
  elapsedSeconds: number;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * One progress line for a terminal, at most `columns` wide:
 * `[#########-----------]  3/12 files  210.4/980.0 MB  312.5 MB/s  ETA 00:03`.
 * The rate and ETA count bytes, which track the work far better than files of very different sizes.
 */
export function formatProgress(state: ProgressState, columns: number): string {
  const fraction = state.bytesTotal > 0 ? Math.min(1, state.bytesDone / state.bytesTotal) : state.files > 0 ? state.filesDone / state.files : 1;
  const rate = state.elapsedSeconds > 0 ? state.bytesDone / 1e6 / state.elapsedSeconds : 0;
  const eta = rate > 0 ? (state.bytesTotal - state.bytesDone) / 1e6 / rate : Infinity;
  const tail =
    `  ${state.filesDone}/${state.files} files  ${formatMegabytes(state.bytesDone)}/${formatMegabytes(state.bytesTotal)} MB` +
    `  ${rate.toFixed(1)} MB/s  ETA ${formatEta(eta)}`;
  const barWidth = Math.max(0, Math.min(40, columns - tail.length - 3));
  if (barWidth < 5) return tail.trim().slice(0, Math.max(0, columns - 1));
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}
