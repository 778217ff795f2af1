// The library's activation, loss and optimizer names, given to the state table (web/state.ts) on
// import where the library is loaded anyway: the worker, and Node (tests import this file). The worker
// sends them to the page in its `ready` message, so the page never bundles the library for a list of names.

import { activationNames, lossNames, optimizerNames } from '../src/index.js';
import { setLibraryNames, type LibraryNames } from './state.js';

export const libraryNames: LibraryNames = {
  activations: [...activationNames],
  losses: [...lossNames],
  optimizers: [...optimizerNames],
};
setLibraryNames(libraryNames);
