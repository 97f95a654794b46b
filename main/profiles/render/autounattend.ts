import type { Profile, WindowsTarget } from '../schema.js';
import { RenderError, type RenderContext } from './context.js';
import { oneTimeAdminPassword } from './linux.js';
import { windowsInputLocale, windowsTimezone } from './locale-maps.js';
import { machineHostname } from './names.js';
import { el, xmlDocument, type XmlChild, type XmlNode } from './xml.js';

/**
 * The answer file of the installed system (WINDOWS.md §0, §3). WinPE applies the image
 * itself (winpe.ts) and copies this file to W:\Windows\Panther\unattend.xml, a documented
 * search location, so it holds only the passes that run after the apply: specialize names
 * the computer, joins it and registers the agent as a SYSTEM scheduled task; oobeSystem sets
 * the languages, creates the local admin with the deployment's one-time password and skips
 * the OOBE screens. No windowsPE pass: Setup (setup.exe) is not used.
 */

const UNATTEND_NS = 'urn:schemas-microsoft-com:unattend';
const WCM_NS = 'http://schemas.microsoft.com/WMIConfig/2002/State';
/** Where the agent lives on the installed machine; the task starts it at every boot. */
export const WINDOWS_AGENT_DIR = 'C:\\PrepStation';
export const WINDOWS_AGENT_TASK = 'PrepStationAgent';

export function windowsTarget(p: Profile): WindowsTarget {
  if (p.target.os !== 'windows') {
    throw new RenderError('unsupported', `profile ${p.id} installs ${p.target.os}, not Windows`);
  }
  return p.target;
}

function component(name: string, ...children: XmlChild[]): XmlNode {
  return el(
    'component',
    {
      name,
      processorArchitecture: 'amd64',
      publicKeyToken: '31bf3856ad364e35',
      language: 'neutral',
      versionScope: 'nonSxS',
    },
    ...children,
  );
}

/** PlainText=false: base64(UTF-16LE(password + element name)); obfuscation, not encryption. */
export function encodeUnattendPassword(
  password: string,
  element: 'Password' | 'AdministratorPassword',
): string {
  return Buffer.from(password + element, 'utf16le').toString('base64');
}

function password(value: string, element: 'Password' | 'AdministratorPassword'): XmlNode {
  return el(element, [
    el('Value', [encodeUnattendPassword(value, element)]),
    el('PlainText', ['false']),
  ]);
}

function runSynchronous(commands: { path: string; description: string }[]): XmlNode {
  for (const c of commands) {
    // MSL-U RunSynchronousCommand/Path: at most 259 characters.
    if (c.path.length > 259) {
      throw new RenderError(
        'bad_value',
        `a setup command is longer than Windows allows (259): ${c.description}`,
      );
    }
  }
  return el(
    'RunSynchronous',
    commands.map((c, i) =>
      el('RunSynchronousCommand', { 'wcm:action': 'add' }, [
        el('Order', [i + 1]),
        el('Path', [c.path]),
        el('Description', [c.description]),
      ]),
    ),
  );
}

/**
 * The agent's start (WINDOWS.md §3): a SYSTEM task at every boot runs start.cmd, which
 * deploy.cmd copied into the new Windows from WinPE (winpe.ts). No logon, no AutoLogon.
 */
export function windowsAgentCommands(): { path: string; description: string }[] {
  return [
    {
      path: `schtasks.exe /create /tn ${WINDOWS_AGENT_TASK} /sc onstart /ru SYSTEM /rl highest /f /tr "${WINDOWS_AGENT_DIR}\\start.cmd"`,
      description: 'PrepStation: agent task at every start',
    },
    {
      // schtasks /create keeps Task Scheduler's battery defaults (no start on battery, stop
      // when unplugged): a laptop on battery at its first boot would never run the agent.
      // The agent also repairs its own task at every start (agent-windows.ps1).
      path: `powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Set-ScheduledTask -TaskName ${WINDOWS_AGENT_TASK} -Settings (New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit 0)"`,
      description: 'PrepStation: the agent task runs on battery too',
    },
  ];
}

/**
 * The display language must be one the image has: a German customer on en-US media gets an
 * English UI with German input, formats and system locale (the language pack is not there).
 */
export function windowsUiLanguage(rc: RenderContext): string {
  const wanted = rc.profile.locale.language;
  const media = rc.media;
  if (!media) return wanted;
  const has = media.editions.some((e) =>
    e.languages.some((l) => l.toLowerCase() === wanted.toLowerCase()),
  );
  return has ? wanted : media.uiLanguage;
}

function international(rc: RenderContext): XmlNode {
  const { locale } = rc.profile;
  return component(
    'Microsoft-Windows-International-Core',
    el('InputLocale', [windowsInputLocale(locale)]),
    el('SystemLocale', [locale.language]),
    el('UILanguage', [windowsUiLanguage(rc)]),
    el('UserLocale', [locale.language]),
  );
}

export function renderAutounattend(rc: RenderContext): string {
  const p = rc.profile;
  const target = windowsTarget(p);
  const secrets = rc.secrets;
  const org = p.customer?.name ?? 'PrepStation';
  const computerName = machineHostname(rc);

  // A domain is joined by the agent (plan step config-domain-join), which fetches the join
  // account's password over its authenticated channel: an answer file can be fetched by any
  // device on the bench and must carry no lasting credential (docs/security.md).
  const join =
    p.join.type === 'workgroup'
      ? component(
          'Microsoft-Windows-UnattendedJoin',
          el('Identification', [el('JoinWorkgroup', [p.join.name])]),
        )
      : null;

  // No product key page: the profile's key when it has one; otherwise none at all, so Windows
  // takes the key from the firmware (OA3) or stays on the edition the image was applied as.
  // A generic key here would replace a firmware key and leave the machine unactivated.
  const specialize = el('settings', { pass: 'specialize' }, [
    component(
      'Microsoft-Windows-Shell-Setup',
      el('ComputerName', [computerName]),
      target.productKey ? el('ProductKey', [secrets.get(target.productKey.secret)]) : null,
      el('RegisteredOrganization', [org]),
      el('RegisteredOwner', [p.admin.fullName ?? p.admin.username]),
      el('TimeZone', [windowsTimezone(p.locale)]),
    ),
    join,
    component('Microsoft-Windows-Deployment', runSynchronous(windowsAgentCommands())),
  ]);

  const oobeSystem = el('settings', { pass: 'oobeSystem' }, [
    international(rc),
    component(
      'Microsoft-Windows-Shell-Setup',
      el('OOBE', [
        el('HideEULAPage', ['true']),
        el('HideOEMRegistrationScreen', ['true']),
        el('HideOnlineAccountScreens', ['true']),
        el('HideWirelessSetupInOOBE', ['true']),
        el('ProtectYourPC', ['3']),
      ]),
      el('UserAccounts', [
        el('LocalAccounts', [
          el('LocalAccount', { 'wcm:action': 'add' }, [
            password(oneTimeAdminPassword(rc), 'Password'),
            el('Description', ['Local administrator (PrepStation)']),
            el('DisplayName', [p.admin.fullName ?? p.admin.username]),
            el('Group', ['Administrators']),
            el('Name', [p.admin.username]),
          ]),
        ]),
      ]),
      el('TimeZone', [windowsTimezone(p.locale)]),
    ),
  ]);

  return xmlDocument(
    el('unattend', { xmlns: UNATTEND_NS, 'xmlns:wcm': WCM_NS }, [specialize, oobeSystem]),
  );
}
