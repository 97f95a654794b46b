import { useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';
import { selectActiveTerminal, selectTerminalTabs, type TerminalTab } from '../store/terminal';
import { connectionFor } from './connection';
import { closeTerminal, connectSsh, openTerminal, waitingRequest } from './open-terminal';
import { SshForm } from './ssh-form';
import { TerminalView } from './terminal-view';
import './terminal.css';

const stateText: Record<TerminalTab['state'], string> = {
  'needs-user': 'Needs a user',
  opening: 'Opening…',
  open: 'Open',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  failed: 'Failed',
};

/** The Terminal screen: tabs of station shells and ssh sessions to machines. */
export function TerminalPage() {
  const tabs = useStore(selectTerminalTabs);
  const activeId = useStore(selectActiveTerminal);
  const { setActiveTerminal: setActive } = useStore.getState();
  const [askSsh, setAskSsh] = useState(false);
  const active = tabs.find((t) => t.id === activeId) ?? null;

  return (
    <section className="page terminal-page" data-testid="terminal-page">
      <div className="terminal-tabs" role="tablist" aria-label="Terminals">
        {tabs.map((t) => (
          <div
            key={t.id}
            role="tab"
            aria-selected={t.id === activeId}
            className={`terminal-tab ${t.id === activeId ? 'active' : ''} tab-${t.state}`}
            data-testid={`terminal-tab-${t.id}`}
            title={stateText[t.state]}
            onClick={() => setActive(t.id)}
          >
            <span className="dot" aria-hidden />
            {t.title}
            <button
              className="close"
              aria-label={`Close ${t.title}`}
              data-testid={`terminal-close-${t.id}`}
              onClick={(e) => {
                e.stopPropagation();
                void closeTerminal(t.id);
              }}
            >
              ×
            </button>
          </div>
        ))}
        <button data-testid="terminal-new-local" onClick={() => openTerminal({ kind: 'local' })}>
          + Station shell
        </button>
        <button
          className="secondary"
          data-testid="terminal-new-ssh"
          onClick={() => setAskSsh((v) => !v)}
        >
          + SSH…
        </button>
      </div>
      {askSsh ? (
        <SshForm
          needsHost
          onCancel={() => setAskSsh(false)}
          onConnect={(v) => {
            setAskSsh(false);
            openTerminal({ kind: 'ssh', host: v.host, user: v.user, port: v.port });
          }}
        />
      ) : null}
      {active ? (
        <TerminalPanel key={active.id} tab={active} />
      ) : (
        <div className="empty" data-testid="terminal-empty">
          <p>
            No terminal open. A station shell runs on this station as you; SSH reaches a machine on
            the bench (open it from the machine&apos;s page to use its address).
          </p>
        </div>
      )}
    </section>
  );
}

function TerminalPanel({ tab }: { tab: TerminalTab }) {
  const [query, setQuery] = useState('');
  const [notFound, setNotFound] = useState(false);
  const conn = connectionFor(tab.id);

  if (tab.state === 'needs-user') {
    const req = waitingRequest(tab.id) ?? {};
    return (
      <SshForm
        needsHost={!req.machineId && !req.host}
        onConnect={(v) => void connectSsh(tab.id, { ...req, ...v, host: v.host ?? req.host })}
      />
    );
  }

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!conn) return;
    if (e.key === 'Enter') {
      const found = e.shiftKey ? conn.search.findPrevious(query) : conn.search.findNext(query);
      setNotFound(!found);
    } else if (e.key === 'Escape') {
      conn.search.clearDecorations();
      conn.term.focus();
    }
  };

  return (
    <div className="terminal-panel">
      <div className="terminal-toolbar">
        <span className={`terminal-state tab-${tab.state}`} data-testid="terminal-state">
          {stateText[tab.state]}
          {tab.message ? `: ${tab.message}` : ''}
        </span>
        <button className="secondary" title="Ctrl+Shift+C" onClick={() => void conn?.copy()}>
          Copy
        </button>
        <button className="secondary" title="Ctrl+Shift+V" onClick={() => void conn?.paste()}>
          Paste
        </button>
        <input
          type="search"
          data-testid="terminal-search"
          placeholder="Search (Enter, Shift+Enter)"
          title="Ctrl+Shift+F"
          value={query}
          className={notFound ? 'not-found' : ''}
          onChange={(e) => {
            setQuery(e.target.value);
            setNotFound(false);
          }}
          onKeyDown={onSearchKey}
        />
      </div>
      <TerminalView tabId={tab.id} />
    </div>
  );
}
