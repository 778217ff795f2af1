// Runs the program and maps errors to exit codes: a user mistake prints one line
// "scratchnet: <what and where>" and exits 2; a bug prints its stack and exits 1. With --json, stdout
// gets the error too, as one JSON line {"error", "exitCode"}: a script reading stdout always reads JSON.

import { CommanderError, type Command } from 'commander';
import { EXIT_BUG, EXIT_USAGE, isUserError, userMessage } from './errors.js';
import { createProgram } from './program.js';

/** Parses argv (node, script, …args) and runs the command; resolves to the exit code. */
export async function main(argv: string[], build: () => Command = createProgram): Promise<number> {
  const program = build();
  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');
  const fail = (message: string, exitCode: number) => {
    if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode })}\n`);
    return exitCode;
  };
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, `help` and --version exit 0; help shown for a missing command (on stderr, exitCode 1) and
      // commander's one-line messages (already printed) are usage mistakes
      const ok =
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        (e.code === 'commander.help' && e.exitCode === 0);
      return ok ? 0 : fail(e.message.replace(/^error: /, ''), EXIT_USAGE);
    }
    if (isUserError(e)) {
      process.stderr.write(`scratchnet: ${userMessage(e)}\n`);
      return fail(userMessage(e), EXIT_USAGE);
    }
    process.stderr.write(
      `scratchnet: internal error (a bug in scratchnet; please report it with this trace):\n${(e as Error)?.stack ?? String(e)}\n`,
    );
    return fail(`internal error: ${(e as Error)?.message ?? String(e)}`, EXIT_BUG);
  }
}
