import { renderHostname } from '../hostname.js';
import { osFamily } from '../schema.js';
import type { RenderContext } from './context.js';

/** This machine's hostname from the profile's pattern (NetBIOS-safe on Windows). */
export function machineHostname(rc: RenderContext): string {
  const m = rc.machine;
  return renderHostname(
    rc.profile.hostname,
    {
      customerCode: rc.profile.customer?.code,
      serial: m.serial,
      macs: m.macs,
      uuid: m.uuid,
      model: m.model,
      vendor: m.vendor,
      index: m.index,
    },
    osFamily(rc.profile.target),
  );
}
