#!/usr/bin/env node
// The `scratchnet` executable (package.json "bin"): runs the CLI and exits with its code.
import { main } from './run.js';

process.exitCode = await main(process.argv);
