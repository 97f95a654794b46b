import { z } from 'zod';

/**
 * Field rules for values that are rendered into installer files and command lines
 * (kickstart, preseed, autoinstall, kernel arguments, iPXE scripts). Each allows what the
 * real values use and nothing that a format gives meaning to: no line break (a new
 * kickstart command or debconf question), no space (a new kernel argument or package),
 * no `$` (iPXE's `${...}` expansion), no quotes or backslashes (issue 13 item 7). The
 * renderers escape per format as well; these rules make a hostile profile fail where the
 * technician can see the line, not in the installer.
 */

/** Debian, Ubuntu and RPM package names, kickstart groups (@core, @^minimal-environment). */
export const packageNameSchema = z
  .string()
  .regex(
    /^(@\^?)?[A-Za-z0-9][A-Za-z0-9+._:~-]{0,127}$/,
    'a package name (letters, digits, + . _ : ~ -) or a kickstart group (@name)',
  );

/** IANA time zone names: Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5, UTC. */
export const timezoneSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_+-]{0,30}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/,
    'an IANA time zone like Europe/Berlin or UTC',
  );

/** Windows time zone ids: "W. Europe Standard Time", "UTC-11". */
export const windowsTimezoneSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 .+()-]{0,63}$/,
    'a Windows time zone id like W. Europe Standard Time',
  );

/**
 * An installation repository for inst.repo= and kickstart `url`: http, https, ftp or nfs,
 * and only URL characters that survive a kernel command line and an iPXE script
 * unquoted (no &, |, ;, quotes, $ or spaces).
 */
export const repoUrlSchema = z
  .string()
  .max(1000)
  .regex(
    /^(https?|ftp|nfs):\/\/[A-Za-z0-9._~:/?#[\]@!()*+,=%-]+$/,
    'an http(s), ftp or nfs URL without spaces, quotes, $, &, | or ;',
  )
  .refine((u) => URL.canParse(u), 'not a valid URL');

/** A path inside the station files dir that is also a safe URL path and kernel argument. */
export const linuxPathSchema = z
  .string()
  .min(1)
  .max(500)
  .regex(
    /^[A-Za-z0-9._+@-]+(\/[A-Za-z0-9._+@-]+)*\/?$/,
    'a path inside the station files dir: letters, digits, . _ + @ - and /, no spaces',
  )
  .refine((p) => !p.split('/').includes('..'), 'no .. in the path');

/** A Debian mirror's host name, with an optional port. */
export const mirrorHostSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:\d{1,5})?$/,
    'a host name like deb.debian.org (optionally :port)',
  );

/** A Debian mirror's directory: /debian. */
export const mirrorDirectorySchema = z
  .string()
  .regex(/^\/[A-Za-z0-9._~/+-]{0,200}$/, 'a directory like /debian');

/** Free text for one line (a person's full name): no control characters. */
export const oneLineTextSchema = z
  .string()
  .max(256)
  .regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u, 'one line of text, without control characters');
