import { useEffect, useRef } from 'react';
import { connectionFor } from './connection';

/** Shows a tab's xterm: moves the connection's element in, keeps it fitted to the panel. */
export function TerminalView({ tabId }: { tabId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const conn = connectionFor(tabId);
    const el = ref.current;
    if (!conn || !el) return;
    conn.mount(el);
    const ro = new ResizeObserver(() => conn.fit());
    ro.observe(el);
    return () => {
      ro.disconnect();
      conn.unmount();
    };
  }, [tabId]);
  return <div ref={ref} className="terminal-view" data-testid="terminal-view" />;
}
