/* global window, document, requestAnimationFrame, MutationObserver */
// Runs inside the dashboard page (injected by ui-dashboard.bench.ts): the measuring side of
// the UI benchmark, kept in plain browser JavaScript so the Node typecheck stays DOM-free.
window.__bench = {
  /** requestAnimationFrame intervals while the machine list scrolls up and down. */
  scrollFrames(ms) {
    return new Promise((resolve) => {
      const list = document.querySelector('[data-testid="machine-list"]');
      const out = [];
      // Sizes read once: reading them every frame would force a layout the UI itself never does.
      const max = list.scrollHeight - list.clientHeight;
      let pos = list.scrollTop;
      let last = performance.now();
      const end = last + ms;
      let dir = 1;
      const tick = (t) => {
        out.push(t - last);
        last = t;
        if (pos >= max) dir = -1;
        if (pos <= 0) dir = 1;
        pos = Math.min(max, Math.max(0, pos + dir * 40));
        list.scrollTop = pos;
        if (t < end) requestAnimationFrame(tick);
        else resolve(out.slice(1));
      };
      requestAnimationFrame(tick);
    });
  },

  /**
   * Wall-clock time the row's progress bar changes on screen. Watches the whole list, so a
   * row that the virtualizer re-creates meanwhile is still seen.
   */
  watchRow(rowId) {
    this.armed = new Promise((resolve, reject) => {
      const list = document.querySelector('[data-testid="machine-list"]');
      const sel = `[data-testid="machine-row-${rowId}"]`;
      if (!list.querySelector(sel)) return reject(new Error(`row ${rowId} is not on screen`));
      const obs = new MutationObserver((records) => {
        if (!records.some((r) => r.target.closest(sel))) return;
        obs.disconnect();
        resolve(performance.timeOrigin + performance.now());
      });
      obs.observe(list, { attributes: true, subtree: true, attributeFilter: ['aria-valuenow'] });
      setTimeout(() => {
        obs.disconnect();
        reject(new Error(`row ${rowId}: no change within 10 s`));
      }, 10_000);
    });
    // Armed before the report leaves; the caller awaits window.__bench.armed afterwards.
    this.armed.catch(() => undefined);
  },

  /**
   * The page's own work per event batch: from the store update to the next task, which
   * runs after React has rendered and committed (microtasks first). And long tasks.
   */
  instrument() {
    const work = [];
    const long = [];
    this.work = work;
    this.long = long;
    const store = window.__prepstationStore;
    const original = store.getState().applyEvents;
    store.setState({
      applyEvents: (batch) => {
        const t = performance.now();
        original(batch);
        const ch = new MessageChannel();
        ch.port1.onmessage = () => work.push(performance.now() - t);
        ch.port2.postMessage(0);
      },
    });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) long.push(e.duration);
    }).observe({ type: 'longtask' });
  },

  resetScroll() {
    document.querySelector('[data-testid="machine-list"]').scrollTop = 0;
  },
};
