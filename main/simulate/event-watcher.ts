import { parentPort, workerData } from 'node:worker_threads';
import { readTimelineSeqs } from './timeline-stream.js';

/**
 * The UI event stream read in a worker thread of its own, as a dashboard in another
 * process would read it: arrival times are taken here, so a simulator busy driving
 * hundreds of machines does not add its own delays to the report -> event figure.
 * Posts [machineId, seq, arrivedAtMs] triples in small batches.
 */
interface WatchData {
  url: string;
  token: string;
}

async function watch({ url, token }: WatchData): Promise<void> {
  const res = await fetch(`${url}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
  parentPort!.postMessage({ ready: true });
  await readTimelineSeqs(res.body, (entries) => parentPort!.postMessage({ entries }));
}

watch(workerData as WatchData).catch((err: unknown) =>
  parentPort!.postMessage({ error: (err as Error).message }),
);
