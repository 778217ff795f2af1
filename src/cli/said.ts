// What a command says on stderr as it goes (warning: …, note: …), kept for its --json summary.

/**
 * The warnings and notes a run prints on stderr as it goes (data, scaling, the search), kept so that
 * `--json`'s summary lists them too: a reader of the JSON alone learns what the text output says.
 */
export class Said {
  readonly warnings: string[] = [];
  readonly notes: string[] = [];
  warning(text: string): void {
    this.warnings.push(text);
    process.stderr.write(`warning: ${text}\n`);
  }
  note(text: string): void {
    this.notes.push(text);
    process.stderr.write(`note: ${text}\n`);
  }
}
