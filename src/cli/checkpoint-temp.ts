// Temporary files left by killed writes. writeAtomic (files.ts) writes `<dir>/.<name>.tmp-<pid>` and
// renames it over `<name>`; a process killed between the two leaves the temporary file behind. The
// next run that writes `<name>` removes those whose process is gone (never a live one's).

import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Whether the process `pid` still runs (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporary files of writes to `path` whose writer has died: `.<name>.tmp-<pid>` beside it. */
export function staleTemporaryFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no folder yet: nothing left behind
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .filter((name) => {
      const pid = Number(name.slice(prefix.length));
      return pid !== process.pid && !alive(pid);
    })
    .map((name) => join(dir, name));
}

/** Removes the stale temporary files of writes to each path; returns those removed. */
export function removeStaleTemporaryFiles(paths: readonly string[]): string[] {
  const removed: string[] = [];
  for (const path of new Set(paths)) {
    for (const file of staleTemporaryFiles(path)) {
      rmSync(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}
