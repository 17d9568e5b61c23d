import { defineConfig } from 'vitest/config';

/**
 * `npm run fuzz`: the full fuzz campaign (test/fuzz/campaign.test.ts) at 100,000 cases. Bounded by the count; the
 * timeout below is only a guard against a hang, not the budget.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz/campaign.test.ts'],
    env: { TLSDIAG_FUZZ_CASES: process.env.TLSDIAG_FUZZ_CASES ?? '100000' },
    testTimeout: 6 * 3600 * 1000,
    reporters: ['default'],
  },
});
