import { useEffect } from 'react';
import { useStore } from '../store';
import { fetchShopSnapshot } from './shop-api';
import { selectShopReloads } from './shop-slice';

/**
 * Loads the shop snapshot when the page opens and again whenever the view says it missed
 * NOTIFYs (it was away from the database); `shop` events keep it current in between.
 */
export function useShopSnapshot(): void {
  const reloads = useStore(selectShopReloads);
  useEffect(() => {
    let live = true;
    const st = useStore.getState();
    if (st.shopLoad !== 'ok') st.setShopLoad('loading');
    void fetchShopSnapshot().then((r) => {
      if (!live) return;
      if (r.ok) useStore.getState().setShopSnapshot(r.value);
      else useStore.getState().setShopLoad('error', r.error.message);
    });
    return () => {
      live = false;
    };
  }, [reloads]);
}
