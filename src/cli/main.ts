#!/usr/bin/env node
// The `scratchnet` executable (package.json "bin"): runs the CLI and exits with its code.
import { main } from './run.js';

// `scratchnet predict … | head`: a reader that goes away is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
