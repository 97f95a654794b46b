/**
 * A small writer of the Windows registry hive format ("regf"), enough for BCD stores: keys
 * with ASCII names, values of any type up to 16 KiB, one shared security descriptor. The
 * layout follows the format as documented by M. Suhanov ("Windows registry file format
 * specification", github.com/msuhanov/regf) and libyal's libregf notes; hivex reads it back
 * in our tests (`hivexregedit --export`), which is how a mistake here would show.
 *
 * Everything goes into one hive bin; cells are 8-byte aligned and allocated (negative size),
 * the bin's tail is one free cell. Pure: the same tree and time give the same bytes.
 */

export const RegType = {
  sz: 1,
  binary: 3,
  dword: 4,
  multiSz: 7,
} as const;

export interface RegValue {
  name: string;
  type: number;
  data: Buffer;
}

export interface RegKey {
  name: string;
  values?: RegValue[];
  children?: RegKey[];
}

const NONE = 0xffffffff;
const binStart = 4096;
const maxResidentValue = 16344; // beyond this regf needs "db" big-data cells (not needed here)

export const sz = (name: string, s: string): RegValue => ({
  name,
  type: RegType.sz,
  data: Buffer.from(s + '\0', 'utf16le'),
});
export const dword = (name: string, n: number): RegValue => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(n >>> 0);
  return { name, type: RegType.dword, data };
};
export const binary = (name: string, data: Buffer): RegValue => ({
  name,
  type: RegType.binary,
  data,
});
export const multiSz = (name: string, list: string[]): RegValue => ({
  name,
  type: RegType.multiSz,
  data: Buffer.from(list.map((s) => s + '\0').join('') + '\0', 'utf16le'),
});

/** Windows FILETIME: 100 ns ticks since 1601-01-01. */
function filetime(d: Date): bigint {
  return (BigInt(d.getTime()) + 11644473600000n) * 10000n;
}

/** The lh hash of a subkey name (regf spec, "Hash leaf"). */
export function lhHash(name: string): number {
  let h = 0;
  for (const c of name.toUpperCase()) h = (Math.imul(h, 37) + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * A self-relative security descriptor: owner Administrators, group SYSTEM, and a DACL that
 * lets Everyone have full access (what a store made with `bcdedit /createstore` on a stick
 * amounts to; bootmgr reads, it does not check).
 */
function securityDescriptor(): Buffer {
  const sid = (auth: number, subs: number[]): Buffer => {
    const b = Buffer.alloc(8 + 4 * subs.length);
    b[0] = 1;
    b[1] = subs.length;
    b.writeUIntBE(auth, 2, 6);
    subs.forEach((s, i) => b.writeUInt32LE(s, 8 + 4 * i));
    return b;
  };
  const everyone = sid(1, [0]);
  const ace = Buffer.concat([
    Buffer.from([0, 0, 8 + everyone.length, 0]),
    Buffer.alloc(4),
    everyone,
  ]);
  ace.writeUInt32LE(0x000f003f, 4); // KEY_ALL_ACCESS
  const acl = Buffer.concat([Buffer.alloc(8), ace]);
  acl[0] = 2; // ACL_REVISION
  acl.writeUInt16LE(acl.length, 2);
  acl.writeUInt16LE(1, 4);
  const owner = sid(5, [32, 544]);
  const group = sid(5, [18]);
  const head = Buffer.alloc(20);
  head[0] = 1;
  head.writeUInt16LE(0x8004, 2); // SE_SELF_RELATIVE | SE_DACL_PRESENT
  head.writeUInt32LE(20, 4);
  head.writeUInt32LE(20 + owner.length, 8);
  head.writeUInt32LE(0, 12);
  head.writeUInt32LE(20 + owner.length + group.length, 16);
  return Buffer.concat([head, owner, group, acl]);
}

class Cells {
  private readonly parts: Buffer[] = [];
  private size = 32; // the hbin header comes first

  /** Reserves a cell for `body` bytes; returns its offset (relative to the first bin). */
  add(body: Buffer): number {
    const total = (4 + body.length + 7) & ~7;
    const cell = Buffer.alloc(total);
    cell.writeInt32LE(-total, 0);
    body.copy(cell, 4);
    const at = this.size;
    this.parts.push(cell);
    this.size += total;
    return at;
  }

  /** Offset the next cell will get. */
  next(): number {
    return this.size;
  }

  /** Patches a u32 inside an already added cell body. */
  patch(cellOffset: number, bodyOffset: number, value: number): void {
    let at = 32;
    for (const p of this.parts) {
      if (at === cellOffset) {
        p.writeUInt32LE(value >>> 0, 4 + bodyOffset);
        return;
      }
      at += p.length;
    }
    throw new Error(`regf: no cell at ${cellOffset}`);
  }

  bin(stamp: bigint): Buffer {
    const used = this.size;
    const binSize = Math.ceil((used + 8) / 4096) * 4096;
    const head = Buffer.alloc(32);
    head.write('hbin', 0, 'latin1');
    head.writeUInt32LE(0, 4);
    head.writeUInt32LE(binSize, 8);
    head.writeBigUInt64LE(stamp, 20);
    const free = Buffer.alloc(binSize - used);
    free.writeInt32LE(free.length, 0);
    return Buffer.concat([head, ...this.parts, free]);
  }
}

function asciiName(name: string): Buffer {
  if (!/^[\x20-\x7e]*$/.test(name))
    throw new Error(`regf: name ${JSON.stringify(name)} is not ASCII`);
  return Buffer.from(name, 'latin1');
}

/** The hive file for `root`. `now` is the time stamped on keys and the header. */
export function writeHive(root: RegKey, now: Date): Buffer {
  const stamp = filetime(now);
  const cells = new Cells();
  const sd = securityDescriptor();
  const skBody = Buffer.alloc(20 + sd.length);
  const skAt = cells.next();
  skBody.write('sk', 0, 'latin1');
  skBody.writeUInt32LE(skAt, 4); // flink and blink: the only descriptor, a list of one
  skBody.writeUInt32LE(skAt, 8);
  sd.copy(skBody, 20);
  skBody.writeUInt32LE(sd.length, 16);
  cells.add(skBody);
  let keys = 0;

  const writeKey = (key: RegKey, parent: number, isRoot: boolean): number => {
    keys++;
    const name = asciiName(key.name);
    const values = key.values ?? [];
    const children = [...(key.children ?? [])].sort((a, b) =>
      a.name.toUpperCase() < b.name.toUpperCase()
        ? -1
        : a.name.toUpperCase() > b.name.toUpperCase()
          ? 1
          : 0,
    );
    const nk = Buffer.alloc(0x4c + name.length);
    nk.write('nk', 0, 'latin1');
    // KEY_COMP_NAME (ASCII name); the root also KEY_HIVE_ENTRY | KEY_NO_DELETE.
    nk.writeUInt16LE(0x20 | (isRoot ? 0x0c : 0), 2);
    nk.writeBigUInt64LE(stamp, 4);
    nk.writeUInt32LE(parent, 0x10);
    nk.writeUInt32LE(children.length, 0x14);
    nk.writeUInt32LE(NONE, 0x1c);
    nk.writeUInt32LE(NONE, 0x20);
    nk.writeUInt32LE(values.length, 0x24);
    nk.writeUInt32LE(NONE, 0x28);
    nk.writeUInt32LE(skAt, 0x2c);
    nk.writeUInt32LE(NONE, 0x30);
    nk.writeUInt32LE(Math.max(0, ...children.map((c) => c.name.length * 2)), 0x34);
    nk.writeUInt32LE(Math.max(0, ...values.map((v) => v.name.length * 2)), 0x3c);
    nk.writeUInt32LE(Math.max(0, ...values.map((v) => v.data.length)), 0x40);
    nk.writeUInt16LE(name.length, 0x48);
    name.copy(nk, 0x4c);
    const at = cells.add(nk);

    if (values.length > 0) {
      const offsets = values.map((v) => {
        if (v.data.length > maxResidentValue) throw new Error(`regf: value ${v.name} too large`);
        const vname = asciiName(v.name);
        const vk = Buffer.alloc(0x14 + vname.length);
        vk.write('vk', 0, 'latin1');
        vk.writeUInt16LE(vname.length, 2);
        vk.writeUInt32LE(v.type, 0x0c);
        vk.writeUInt16LE(vname.length > 0 ? 1 : 0, 0x10); // VALUE_COMP_NAME
        vname.copy(vk, 0x14);
        if (v.data.length <= 4) {
          // Small data lives in the offset field; the size's top bit says so.
          vk.writeUInt32LE((0x80000000 | v.data.length) >>> 0, 4);
          v.data.copy(vk, 8);
        } else {
          vk.writeUInt32LE(v.data.length, 4);
          vk.writeUInt32LE(cells.add(v.data), 8);
        }
        return cells.add(vk);
      });
      const list = Buffer.alloc(4 * offsets.length);
      offsets.forEach((o, i) => list.writeUInt32LE(o, 4 * i));
      cells.patch(at, 0x28, cells.add(list));
    }
    if (children.length > 0) {
      const childAt = children.map((c) => writeKey(c, at, false));
      const lh = Buffer.alloc(4 + 8 * children.length);
      lh.write('lh', 0, 'latin1');
      lh.writeUInt16LE(children.length, 2);
      children.forEach((c, i) => {
        lh.writeUInt32LE(childAt[i]!, 4 + 8 * i);
        lh.writeUInt32LE(lhHash(c.name), 8 + 8 * i);
      });
      cells.patch(at, 0x1c, cells.add(lh));
    }
    return at;
  };

  const rootAt = writeKey(root, NONE, true);
  // Every key points at the one descriptor: its reference count is the number of keys.
  cells.patch(skAt, 12, keys);
  const bin = cells.bin(stamp);

  const base = Buffer.alloc(binStart);
  base.write('regf', 0, 'latin1');
  base.writeUInt32LE(1, 4); // primary and secondary sequence numbers equal: a clean hive
  base.writeUInt32LE(1, 8);
  base.writeBigUInt64LE(stamp, 12);
  base.writeUInt32LE(1, 20); // version 1.3
  base.writeUInt32LE(3, 24);
  base.writeUInt32LE(0, 28); // primary file
  base.writeUInt32LE(1, 32); // direct memory load
  base.writeUInt32LE(rootAt, 36);
  base.writeUInt32LE(bin.length, 40);
  base.writeUInt32LE(1, 44); // clustering factor
  let sum = 0;
  for (let i = 0; i < 0x1fc; i += 4) sum = (sum ^ base.readUInt32LE(i)) >>> 0;
  if (sum === 0) sum = 1;
  if (sum === 0xffffffff) sum = 0xfffffffe;
  base.writeUInt32LE(sum, 0x1fc);
  return Buffer.concat([base, bin]);
}
