// What src/train/parallel.ts is in the playground's bundles (web/build.ts maps parallel-auto.ts's
// import of it here): a browser has no worker threads, so fit's chunks run on the calling thread
// (parallel-auto.ts: BatchGradient.chunked, the same bits) and DataParallel's threads — ~3 kB
// gzipped that a page would never run — stay out.

/** No worker threads here (parallel.ts: threadsModule). */
export function threadsModule(): null {
  return null;
}

/** Never made in a browser: planWorkers gives one thread where threadsModule() is null. */
export class DataParallel {
  constructor() {
    throw new Error("data-parallel workers need Node's worker_threads");
  }
}
