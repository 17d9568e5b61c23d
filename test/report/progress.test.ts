import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/report/progress.js';

describe('progress line', () => {
  it('shows files, megabytes, rate and time left within the terminal width', () => {
    const line = formatProgress({ filesDone: 3, files: 12, bytesDone: 250e6, bytesTotal: 1000e6, elapsedSeconds: 2 }, 100);
    expect(line).toMatch(/^\[#+-+\]  3\/12 files  250\.0\/1000\.0 MB  125\.0 MB\/s  ETA 00:06$/);
    expect(line.length).toBeLessThanOrEqual(100);
    expect(formatProgress({ filesDone: 0, files: 1, bytesDone: 0, bytesTotal: 10, elapsedSeconds: 0 }, 80)).toContain('ETA --:--');
    expect(formatProgress({ filesDone: 1, files: 2, bytesDone: 5e6, bytesTotal: 9e6, elapsedSeconds: 1 }, 30).length).toBeLessThanOrEqual(30);
  });
});
