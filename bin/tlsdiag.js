#!/usr/bin/env node
// Loads the compiled CLI; `npm run build` produces dist/.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
