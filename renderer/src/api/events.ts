import type { StationEvent } from '../../../main/api/contract';
import { useStore } from '../store';

/**
 * Feeds the station's event stream into the store, outside React: one applyEvents call per
 * batch (the station sends a batch about every 50 ms). EventSource reconnects by itself and
 * resumes from Last-Event-ID; a `reset` means events were missed, so reload the lists.
 */
export function connectEvents(onReset: () => void): () => void {
  const source = new EventSource('/api/v1/events');
  source.onopen = () => useStore.getState().setStream('live');
  source.onerror = () => useStore.getState().setStream('reconnecting');
  source.onmessage = (msg: MessageEvent<string>) => {
    try {
      const batch = JSON.parse(msg.data) as StationEvent[];
      useStore.getState().applyEvents(batch);
    } catch {
      // A malformed batch is dropped; the next one carries current state again.
    }
  };
  source.addEventListener('reset', onReset);
  return () => source.close();
}
