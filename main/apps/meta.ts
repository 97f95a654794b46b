import type { ApiError } from '../api/contract.js';

/**
 * What an imported installer is called and where it goes, pure. Ids follow the profile
 * id rule (profiles reference packages by it); versions and file names are kept to a safe
 * alphabet because they become path segments under <files>/apps and URL parts.
 */

export interface PackageMetaInput {
  name: string | undefined;
  version: string | undefined;
  /** Defaults to a slug of the name. */
  id?: string | undefined;
  /** The uploaded or imported file's own name (any path before it is dropped). */
  fileName: string | undefined;
}

export interface PackageMeta {
  id: string;
  name: string;
  version: string;
  fileName: string;
  /** Path under the files dir: apps/<id>/<version>/<fileName>. */
  path: string;
}

const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,49}$/;

export function slugId(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Keeps the extension (msiexec and the agents go by it) and drops anything path-like. */
export function safeFileName(given: string): string {
  const base = given.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^[.]+/, '');
  return cleaned.slice(-200);
}

export function packageMeta(
  input: PackageMetaInput,
): { ok: true; value: PackageMeta } | { ok: false; error: ApiError } {
  const bad = (message: string) => ({
    ok: false as const,
    error: { code: 'invalid_package', message },
  });
  const name = input.name?.trim() ?? '';
  if (
    !name ||
    name.length > 200 ||
    [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)
  ) {
    return bad('Give the package a name (1-200 characters), e.g. --name "Mozilla Firefox".');
  }
  const version = input.version?.trim() ?? '';
  if (!versionPattern.test(version)) {
    return bad(
      'Give a version of letters, digits and . _ + ~ - (up to 50), e.g. --version 128.5.0.',
    );
  }
  const id = input.id?.trim() || slugId(name);
  if (!idPattern.test(id)) {
    return bad(
      `The package id "${id}" is not usable: lowercase letters, digits and dashes, e.g. firefox-esr.`,
    );
  }
  const fileName = safeFileName(input.fileName ?? '');
  if (!fileName || fileName === '.' || fileName === '..') {
    return bad('The installer needs a file name with its extension, e.g. FirefoxSetup.msi.');
  }
  return {
    ok: true,
    value: { id, name, version, fileName, path: `apps/${id}/${version}/${fileName}` },
  };
}
