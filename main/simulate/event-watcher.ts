import { parentPort, workerData } from 'node:worker_threads';

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
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = Date.now();
    buf += decoder.decode(value, { stream: true });
    const out: [string, number, number][] = [];
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const chunk = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = chunk
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data.startsWith('[')) continue;
      for (const e of JSON.parse(data) as {
        type: string;
        entry?: { machineId: string; data: { seq?: unknown } };
      }[]) {
        if (e.type === 'machine-timeline' && typeof e.entry?.data.seq === 'number') {
          out.push([e.entry.machineId, e.entry.data.seq, at]);
        }
      }
    }
    if (out.length > 0) parentPort!.postMessage({ entries: out });
  }
}

watch(workerData as WatchData).catch((err: unknown) =>
  parentPort!.postMessage({ error: (err as Error).message }),
);
