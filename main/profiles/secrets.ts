import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { idSchema } from './schema-steps.js';
import { writeFileAtomic } from './store.js';

/**
 * Where the secrets key comes from. Headless: a key file in the data dir (0600). The
 * Electron shell can implement this with safeStorage (OS keychain) later; the store does
 * not care which.
 */
export interface KeyProvider {
  /** Shown in the UI, e.g. "key file /var/lib/prepstation/secrets.key". */
  readonly description: string;
  /** A 32-byte AES-256 key; created on first use. */
  key(): Buffer;
}

export class FileKeyProvider implements KeyProvider {
  private cached: Buffer | null = null;
  constructor(private readonly file: string) {}

  get description(): string {
    return `key file ${this.file}`;
  }

  key(): Buffer {
    if (this.cached) return this.cached;
    if (fs.existsSync(this.file)) {
      const raw = Buffer.from(fs.readFileSync(this.file, 'utf8').trim(), 'base64');
      if (raw.length !== 32) {
        throw new Error(
          `${this.file} is not a PrepStation secrets key (expected 32 bytes, base64)`,
        );
      }
      this.cached = raw;
    } else {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const key = randomBytes(32);
      // 'wx': never overwrite a key another process just created; that would orphan secrets.
      fs.writeFileSync(this.file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      this.cached = key;
    }
    return this.cached;
  }
}

interface SealedSecret {
  iv: string;
  tag: string;
  data: string;
  updatedAt: string;
}

interface SecretsFile {
  version: 1;
  secrets: Record<string, SealedSecret>;
}

export class SecretError extends Error {
  constructor(
    readonly code: 'bad_name' | 'not_found' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

/**
 * Secrets encrypted at rest (AES-256-GCM, the name as associated data so a value cannot
 * be moved to another name). Values leave only through reveal(), which only the renderer
 * for the machine being deployed calls; listings carry names and times.
 */
export class SecretStore {
  constructor(
    private readonly file: string,
    private readonly keys: KeyProvider,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get keySource(): string {
    return this.keys.description;
  }

  list(): { name: string; updatedAt: string }[] {
    return Object.entries(this.read().secrets)
      .map(([name, s]) => ({ name, updatedAt: s.updatedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  has(name: string): boolean {
    return name in this.read().secrets;
  }

  set(name: string, value: string): void {
    if (!idSchema.safeParse(name).success) {
      throw new SecretError('bad_name', 'a secret name uses lowercase letters, digits and dashes');
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.key(), iv);
    cipher.setAAD(Buffer.from(name));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const file = this.read();
    file.secrets[name] = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
      updatedAt: this.now().toISOString(),
    };
    this.write(file);
  }

  delete(name: string): boolean {
    const file = this.read();
    if (!(name in file.secrets)) return false;
    delete file.secrets[name];
    this.write(file);
    return true;
  }

  /** The plain value: for rendering the answer file of the machine being deployed only. */
  reveal(name: string): string | undefined {
    const s = this.read().secrets[name];
    if (!s) return undefined;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.keys.key(),
        Buffer.from(s.iv, 'base64'),
      );
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(s.data, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretError(
        'unreadable',
        `secret "${name}" cannot be decrypted with ${this.keys.description}; set it again`,
      );
    }
  }

  private read(): SecretsFile {
    if (!fs.existsSync(this.file)) return { version: 1, secrets: {} };
    const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as SecretsFile;
    return { version: 1, secrets: parsed.secrets ?? {} };
  }

  private write(file: SecretsFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(file, null, 2) + '\n', 0o600);
  }
}

/** Every secret name a profile references ({ secret: name } anywhere in it). */
export function secretNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => secretNames(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secret === 'string') out.add(o.secret);
    else Object.values(o).forEach((v) => secretNames(v, out));
  }
  return out;
}
