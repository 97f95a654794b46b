import type { Result } from '../../../main/api/contract';
import type { ShopSnapshot, ShopStatus } from '../../../main/shop/view/contract';
import { api } from '../api/client';
import type { ShopMode } from './shop-slice';

/** Everything the shop page shows at first; `shop` events keep it current after. */
export const fetchShopSnapshot = (): Promise<Result<ShopSnapshot>> =>
  api<ShopSnapshot>('/api/v1/shop');

/** Whether this UI has a shop view, and which: a station without one answers 404. */
export async function fetchShopMode(): Promise<ShopMode> {
  const r = await api<ShopStatus>('/api/v1/shop/view-status');
  return r.ok ? r.value.mode : 'off';
}

export interface ShopReportQuery {
  format: 'pdf' | 'csv' | 'json';
  station?: string;
  technician?: string;
}

/** The link of a report across stations (all of them, or one). */
export function shopReportHref(q: ShopReportQuery): string {
  const p = new URLSearchParams({ format: q.format });
  if (q.station) p.set('station', q.station);
  if (q.technician?.trim()) p.set('technician', q.technician.trim());
  return `/api/v1/shop/reports?${p.toString()}`;
}
