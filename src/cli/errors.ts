// How the CLI ends: user mistakes print one line and exit 2; interruptions exit 130 (SIGINT) or
// 143 (SIGTERM) after saving; anything else is a bug in scratchnet and exits 1 with its stack.

import { ScratchnetError } from '../errors.js';

/** A mistake in the command line or its files, found by the CLI itself (missing file, bad flag value). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_BUG = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCONCLUSIVE = 3;

/** Whether an error is the user's to fix (one line, exit 2) rather than a scratchnet bug. */
export function isUserError(e: unknown): e is Error {
  if (e instanceof UsageError || e instanceof ScratchnetError) return true;
  // commander's own errors (unknown option, missing argument) carry a code "commander.*"
  return (
    typeof (e as { code?: unknown })?.code === 'string' &&
    (e as { code: string }).code.startsWith('commander.')
  );
}

/** The longest message printed whole; beyond it, the rest is cut (a message quoting a 10 MB cell, say). */
export const MAX_MESSAGE = 2000;

/** The one-line message for a user error: no stack, no "Error:" prefix noise, at most MAX_MESSAGE characters. */
export function userMessage(e: Error): string {
  const line = e.message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return line.length <= MAX_MESSAGE
    ? line
    : `${line.slice(0, MAX_MESSAGE)}… (${(line.length - MAX_MESSAGE).toLocaleString('en-US')} more characters)`;
}
