/** [machineId, report seq, arrival time in ms] for each machine-timeline event of a batch. */
export type TimelineSeq = [string, number, number];

/**
 * Reads the UI event stream (SSE: one JSON array of events per message) and hands over,
 * per network read, the report sequence numbers of the machine-timeline events with the
 * time they arrived. Shared by the in-thread and the worker-thread watchers.
 */
export async function readTimelineSeqs(
  body: ReadableStream<Uint8Array>,
  onBatch: (entries: TimelineSeq[]) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = Date.now();
    buf += decoder.decode(value, { stream: true });
    const out: TimelineSeq[] = [];
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
    if (out.length > 0) onBatch(out);
  }
}
