import { describe, expect, it } from 'vitest';
import { AUTO_SHARD_BYTES, autoShards, parseJobs } from '../../src/cli/jobs.js';

describe('--jobs', () => {
  it('auto: one thread below 4 cores or for a capture under 128 MB; else one worker fewer than the cores, at most 8', () => {
    expect(autoShards(AUTO_SHARD_BYTES, 2)).toBe(1);
    expect(autoShards(AUTO_SHARD_BYTES, 3)).toBe(1);
    expect(autoShards(AUTO_SHARD_BYTES - 1, 16)).toBe(1);
    expect(autoShards(AUTO_SHARD_BYTES, 4)).toBe(3);
    expect(autoShards(10e9, 16)).toBe(8);
  });

  it('takes a whole number from 1 to 16 or auto, and refuses the rest', () => {
    expect(parseJobs('auto')).toBe('auto');
    expect(parseJobs('1')).toBe(1);
    expect(parseJobs('16')).toBe(16);
    for (const bad of ['0', '17', '256', '1.5', '-2', 'two', '']) expect(() => parseJobs(bad)).toThrow(/from 1 to 16, or auto/);
  });
});
