import type { Locale } from '../schema.js';
import { RenderError } from './context.js';

/**
 * Windows wants its own ids: time zones as in `tzutil /l` and input locales as
 * LANGID:KLID. The common bench cases are mapped; anything else needs
 * `locale.windowsTimezone` in the profile, and says so.
 */
const WINDOWS_TIMEZONES: Record<string, string> = {
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Vienna': 'W. Europe Standard Time',
  'Europe/Zurich': 'W. Europe Standard Time',
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Rome': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'Europe/Brussels': 'Romance Standard Time',
  'Europe/Madrid': 'Romance Standard Time',
  'Europe/London': 'GMT Standard Time',
  'Europe/Dublin': 'GMT Standard Time',
  'Europe/Lisbon': 'GMT Standard Time',
  'Europe/Warsaw': 'Central European Standard Time',
  'Europe/Prague': 'Central Europe Standard Time',
  'Europe/Helsinki': 'FLE Standard Time',
  'Europe/Athens': 'GTB Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'America/Chicago': 'Central Standard Time',
  'America/Denver': 'Mountain Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  'Asia/Tokyo': 'Tokyo Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
};

export function windowsTimezone(locale: Locale): string {
  if (locale.windowsTimezone) return locale.windowsTimezone;
  const tz = WINDOWS_TIMEZONES[locale.timezone];
  if (!tz) {
    throw new RenderError(
      'unsupported',
      `no Windows time zone known for "${locale.timezone}"; set locale.windowsTimezone (see tzutil /l)`,
    );
  }
  return tz;
}

/** Keyboard layout -> Windows input locale (LANGID:KLID). */
const WINDOWS_KEYBOARDS: Record<string, string> = {
  us: '0409:00000409',
  gb: '0809:00000809',
  de: '0407:00000407',
  'ch-de': '0807:00000807',
  ch: '0807:00000807',
  'ch-fr': '100c:0000100c',
  at: '0c07:00000407',
  fr: '040c:0000040c',
  be: '080c:0000080c',
  nl: '0413:00020409',
  es: '0c0a:0000040a',
  it: '0410:00000410',
  pl: '0415:00000415',
  dk: '0406:00000406',
  se: '041d:0000041d',
  no: '0414:00000414',
  fi: '040b:0000040b',
};

export function windowsInputLocale(locale: Locale): string {
  const k = WINDOWS_KEYBOARDS[locale.keyboard];
  if (!k) {
    throw new RenderError(
      'unsupported',
      `no Windows keyboard known for layout "${locale.keyboard}"`,
    );
  }
  return k;
}

/** de-DE -> de_DE.UTF-8 (glibc locale names). */
export function posixLocale(locale: Locale): string {
  return `${locale.language.replace('-', '_')}.UTF-8`;
}

/** ch-fr -> { layout: ch, variant: fr } (XKB). */
export function xkb(locale: Locale): { layout: string; variant: string } {
  const [layout, variant = ''] = locale.keyboard.split('-') as [string, string?];
  return { layout, variant };
}
