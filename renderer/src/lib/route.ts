import { useEffect, useState } from 'react';

/** `#/bench/machine/ID` → ['bench', 'machine', 'ID']; the first part picks the screen. */
export function hashParts(hash = window.location.hash): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      // A hand-typed URL with a stray % must not blank the whole page.
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

export function useHashParts(): string[] {
  const [parts, setParts] = useState(hashParts);
  useEffect(() => {
    const on = () => setParts(hashParts());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parts;
}

export function go(...parts: string[]): void {
  window.location.hash = '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
}
