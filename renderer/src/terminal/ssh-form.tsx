import { useState, type FormEvent } from 'react';
import { lastSshUser } from './open-terminal';

/** Asks for what ssh needs: the address (unless the machine gives it) and the user. */
export function SshForm({
  needsHost,
  onConnect,
  onCancel,
}: {
  needsHost: boolean;
  onConnect: (v: { host?: string; user: string; port?: number }) => void;
  onCancel?: () => void;
}) {
  const [host, setHost] = useState('');
  const [user, setUser] = useState(lastSshUser);
  const [port, setPort] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = Number(port);
    onConnect({
      host: needsHost ? host.trim() : undefined,
      user: user.trim(),
      port: port && Number.isInteger(p) ? p : undefined,
    });
  };
  return (
    <form className="card terminal-ssh-form" onSubmit={submit} data-testid="terminal-ssh-form">
      {needsHost ? (
        <label>
          Address
          <input
            data-testid="terminal-ssh-host"
            value={host}
            onChange={(e) => setHost(e.target.value)}
            placeholder="192.168.50.120 or pc-042"
            required
            autoFocus
          />
        </label>
      ) : null}
      <label>
        User
        <input
          data-testid="terminal-ssh-user"
          value={user}
          onChange={(e) => setUser(e.target.value)}
          required
          autoFocus={!needsHost}
        />
      </label>
      <label>
        Port
        <input
          data-testid="terminal-ssh-port"
          value={port}
          onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))}
          placeholder="22"
          inputMode="numeric"
          size={6}
        />
      </label>
      <button type="submit" data-testid="terminal-ssh-connect">
        Connect
      </button>
      {onCancel ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      <p className="muted">
        Uses this station&apos;s ssh client; the machine needs an SSH server (OpenSSH on Windows).
        The password, if asked, goes to the machine only.
      </p>
    </form>
  );
}
