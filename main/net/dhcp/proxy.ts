/**
 * proxyDHCP (PXE spec 2.1 §2.2): beside the office DHCP server, answer PXE clients with the
 * boot file only, never an address. Port 67 gets the broadcast DISCOVER; firmwares that
 * ignore proxy offers on 67 ask again with a unicast REQUEST on port 4011. Pure.
 */
import { addBootInfo, isPxeClient, type DhcpLogicContext, type Offered } from './common.js';
import { MessageType } from './options.js';
import { replyTo, type DhcpPacket } from './packet.js';

export interface ProxyOutcome {
  reply: DhcpPacket | null;
  offered: Offered | null;
  /** Why there is no reply, or what the reply is, for the boot log. */
  note: string;
}

/** PXE spec §2.4.1.1 tag 71: boot item type 0x8000 (local), layer 0, when the ROM sent none. */
const DEFAULT_BOOT_ITEM = Buffer.from([0x80, 0x00, 0x00, 0x00]);

export function proxyReply(
  req: DhcpPacket,
  ctx: DhcpLogicContext,
  port: 'dhcp' | 'pxe',
): ProxyOutcome {
  const type = req.options.messageType;
  if (req.op !== 1) return { reply: null, offered: null, note: 'ignored: not a request' };
  if (!isPxeClient(req)) {
    // The office DHCP server's business; we stay silent for everything but PXE.
    return { reply: null, offered: null, note: 'ignored: not a PXE client' };
  }
  let replyType: number;
  const sub: [number, Buffer][] = [];
  if (port === 'dhcp') {
    if (type === MessageType.DISCOVER) replyType = MessageType.OFFER;
    // A REQUEST on 67 naming us as its server: some ROMs take the proxy offer that way.
    else if (type === MessageType.REQUEST && req.options.serverId === ctx.serverIp)
      replyType = MessageType.ACK;
    else return { reply: null, offered: null, note: 'ignored: not for the proxy' };
  } else {
    // Port 4011 (PXE spec §2.2.2): a REQUEST (or INFORM) straight to the boot server.
    if (type !== MessageType.REQUEST && type !== MessageType.INFORM) {
      return { reply: null, offered: null, note: 'ignored: port 4011 takes REQUEST/INFORM only' };
    }
    replyType = MessageType.ACK;
    // Echo the boot item the ROM asked for, or it discards the ACK (Intel, some UEFI).
    sub.push([71, req.options.vendorOptions?.get(71) ?? DEFAULT_BOOT_ITEM]);
  }
  const reply = replyTo(req);
  reply.options.messageType = replyType;
  reply.options.serverId = ctx.serverIp;
  // The client's UUID goes back unchanged (PXE spec §2.2.1, required by some EFI ROMs).
  if (req.options.uuid) reply.options.uuid = req.options.uuid;
  const offered = addBootInfo(reply, req, ctx, sub);
  if (!offered) return { reply: null, offered: null, note: 'ignored: no boot file for this arch' };
  return {
    reply,
    offered,
    note: `${replyType === MessageType.OFFER ? 'OFFER' : 'ACK'} ${offered.bootFile}`,
  };
}
