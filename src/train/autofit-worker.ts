// One worker of autoFit's SearchPool (autofit-pool.ts): holds the search data, runs each task it is
// sent with the same code as the main thread (runTask) and replies with its result.

import { parentPort, workerData } from 'node:worker_threads';
import { wasmReady } from '../kernels/index.js';
import { runTask, type SearchData, type SearchTask } from './autofit-eval.js';
import type { WorkerReply } from './autofit-pool.js';

await wasmReady;
const data = workerData as SearchData;
parentPort?.on('message', (message: { id: number; task: SearchTask }) => {
  let reply: WorkerReply;
  try {
    reply = { id: message.id, result: runTask(data, message.task) };
  } catch (e) {
    reply = { id: message.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(reply);
});
