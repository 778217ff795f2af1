// Where autoFit's tasks run: in this thread, or on worker threads (Node only; worker_threads is loaded
// on demand so browsers pay nothing). Each worker gets the search data once, then one task at a time
// as it becomes free; results are stored by task index, so the order of completion — which depends on
// timing and on the number of workers — never reaches the search (autofit.ts).

import { runTask, type SearchData, type SearchTask, type TaskResult } from './autofit-eval.js';
import { startThread } from './parallel.js';

interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  on(event: string, listener: (value: unknown) => void): void;
}

/** A message from a worker: the result of task `id`, or the error it threw. */
export interface WorkerReply {
  id: number;
  result?: TaskResult;
  error?: string;
}

/** The call of run() in progress: its tasks, results so far, the next task to send, tasks out. */
interface Batch {
  tasks: readonly SearchTask[];
  results: TaskResult[];
  next: number;
  out: number;
  resolve(results: TaskResult[]): void;
  reject(error: Error): void;
}

export class SearchPool {
  private batch: Batch | null = null;

  private constructor(
    private readonly data: SearchData,
    private readonly workers: WorkerHandle[],
  ) {
    for (const w of workers) {
      w.on('message', (value) => this.reply(w, value as WorkerReply));
      w.on('error', (e) => this.batch?.reject(e as Error));
    }
  }

  /** A pool of `workers` threads (0: every task runs in this thread; also where workers are unavailable). */
  static async open(data: SearchData, workers: number): Promise<SearchPool> {
    if (workers === 0) return new SearchPool(data, []);
    const threads = await import('node:worker_threads').catch(() => null);
    if (!threads) return new SearchPool(data, []);
    const started: WorkerHandle[] = [];
    for (let i = 0; i < workers; i++)
      started.push(
        startThread(
          threads.Worker,
          new URL('./autofit-worker.js', import.meta.url),
          data,
        ) as unknown as WorkerHandle,
      );
    return new SearchPool(data, started);
  }

  /** The number of threads tasks run on (1 in-process). */
  get threads(): number {
    return Math.max(1, this.workers.length);
  }

  /** Every task's result, in the order of `tasks`. */
  run(tasks: readonly SearchTask[]): Promise<TaskResult[]> {
    if (this.workers.length === 0 || tasks.length === 0)
      return Promise.resolve(tasks.map((t) => runTask(this.data, t)));
    return new Promise((resolve, reject) => {
      this.batch = { tasks, results: new Array(tasks.length), next: 0, out: 0, resolve, reject };
      for (const w of this.workers) this.send(w);
    });
  }

  private send(w: WorkerHandle): void {
    const b = this.batch;
    if (!b || b.next >= b.tasks.length) return;
    const id = b.next++;
    b.out++;
    w.postMessage({ id, task: b.tasks[id] });
  }

  private reply(w: WorkerHandle, reply: WorkerReply): void {
    const b = this.batch;
    if (!b) return;
    if (reply.error !== undefined || !reply.result) {
      this.batch = null;
      b.reject(new Error(`a search worker failed: ${reply.error}`));
      return;
    }
    b.results[reply.id] = reply.result;
    b.out--;
    this.send(w);
    if (b.out === 0) {
      this.batch = null;
      b.resolve(b.results);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
