import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { useStore } from '../store';

/**
 * Selection by click: Shift-click selects the range between the last click and this one,
 * as in a file manager. The callback stays the same across batches (ids via a ref), so
 * memoized rows skip re-rendering.
 */
export function useRangeSelect(ids: string[]): (id: string, e: { shiftKey: boolean }) => void {
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const lastClicked = useRef<string | null>(null);
  return useCallback((id: string, e: { shiftKey: boolean }) => {
    const st = useStore.getState();
    const list = idsRef.current;
    const from = lastClicked.current;
    if (e.shiftKey && from && from !== id) {
      const a = list.indexOf(from);
      const b = list.indexOf(id);
      if (a >= 0 && b >= 0) {
        const range = list.slice(Math.min(a, b), Math.max(a, b) + 1);
        st.setSelected([...Object.keys(st.selected), ...range]);
        lastClicked.current = id;
        return;
      }
    }
    st.toggleSelected(id);
    lastClicked.current = id;
  }, []);
}

/** `/` focuses the search, Esc clears the selection, Ctrl+A selects every machine shown. */
export function useBenchKeys(ids: string[], search: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = (e.target as HTMLElement | null)?.closest('input, select, textarea');
      if (e.key === '/' && !typing) {
        search.current?.focus();
        e.preventDefault();
      } else if (e.key === 'Escape' && !document.querySelector('[role="dialog"]')) {
        useStore.getState().clearSelected();
        if (typing === search.current) search.current?.blur();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 'a' && !typing) {
        useStore.getState().setSelected(ids);
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ids, search]);
}
