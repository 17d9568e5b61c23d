#!/usr/bin/env node
// Loads the compiled CLI, bundled: `npm run build` compiles dist/ and bundles it into dist/bundle/ (scripts/bundle.mjs).
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/bundle/tlsdiag.js');
process.exitCode = await main(process.argv);
