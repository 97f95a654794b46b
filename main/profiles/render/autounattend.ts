import type { Profile, WindowsTarget } from '../schema.js';
import { RenderError, type RenderContext } from './context.js';
import { windowsInputLocale, windowsTimezone } from './locale-maps.js';
import { machineHostname } from './names.js';
import { el, xmlDocument, type XmlChild, type XmlNode } from './xml.js';

/**
 * autounattend.xml for one machine (WINDOWS.md §3): windowsPE selects the disk layout
 * and image, specialize names the computer, joins it and registers the agent as a SYSTEM
 * scheduled task, oobeSystem creates the local admin and skips the OOBE screens.
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

/** The partitions and the partition Windows goes to, by firmware and profile. */
function diskConfiguration(rc: RenderContext): { disk: XmlNode | null; installTo: number } {
  const { disk } = rc.profile;
  const gpt = disk.layout === 'gpt' || (disk.layout === 'auto' && rc.firmware === 'uefi');
  type Part = {
    type: string;
    size?: number;
    extend?: true;
    format: string;
    label: string;
    letter?: string;
    typeId?: string;
    active?: true;
  };
  const parts: Part[] = gpt
    ? [
        { type: 'EFI', size: 300, format: 'FAT32', label: 'System' },
        { type: 'MSR', size: 16, format: '', label: '' },
      ]
    : [{ type: 'Primary', size: 500, format: 'NTFS', label: 'System Reserved', active: true }];
  if (disk.recovery) {
    parts.push({
      type: 'Primary',
      size: 1000,
      format: 'NTFS',
      label: 'Recovery',
      typeId: gpt ? 'de94bba4-06d1-4d40-a16a-bfd50179d6ac' : '0x27',
    });
  }
  parts.push({ type: 'Primary', extend: true, format: 'NTFS', label: 'Windows', letter: 'C' });
  const installTo = parts.length;
  if (!disk.wipe) return { disk: null, installTo };
  const add = { 'wcm:action': 'add' };
  return {
    installTo,
    disk: el('DiskConfiguration', [
      el('Disk', add, [
        el('DiskID', [disk.disk]),
        el('WillWipeDisk', ['true']),
        el(
          'CreatePartitions',
          parts.map((p, i) =>
            el('CreatePartition', add, [
              el('Order', [i + 1]),
              el('Type', [p.type]),
              p.extend ? el('Extend', ['true']) : el('Size', [p.size!]),
            ]),
          ),
        ),
        el(
          'ModifyPartitions',
          parts
            .map((p, i) => ({ p, i }))
            .filter(({ p }) => p.type !== 'MSR')
            .map(({ p, i }, order) =>
              el('ModifyPartition', add, [
                el('Order', [order + 1]),
                el('PartitionID', [i + 1]),
                el('Format', [p.format]),
                el('Label', [p.label]),
                p.letter ? el('Letter', [p.letter]) : null,
                p.typeId ? el('TypeID', [p.typeId]) : null,
                p.active ? el('Active', ['true']) : null,
              ]),
            ),
        ),
      ]),
      el('WillShowUI', ['OnError']),
    ]),
  };
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
  ];
}

function international(pass: 'windowsPE' | 'oobeSystem', rc: RenderContext): XmlNode {
  const { locale } = rc.profile;
  const lang = locale.language;
  return component(
    pass === 'windowsPE'
      ? 'Microsoft-Windows-International-Core-WinPE'
      : 'Microsoft-Windows-International-Core',
    pass === 'windowsPE' ? el('SetupUILanguage', [el('UILanguage', [lang])]) : null,
    el('InputLocale', [windowsInputLocale(locale)]),
    el('SystemLocale', [lang]),
    el('UILanguage', [lang]),
    el('UserLocale', [lang]),
  );
}

export function renderAutounattend(rc: RenderContext): string {
  const p = rc.profile;
  const target = windowsTarget(p);
  const secrets = rc.secrets;
  const { disk, installTo } = diskConfiguration(rc);
  const org = p.customer?.name ?? 'PrepStation';
  const computerName = machineHostname(rc);

  const peCommands = target.labBypass
    ? ['BypassTPMCheck', 'BypassSecureBootCheck', 'BypassRAMCheck'].map((v) => ({
        path: `reg.exe add HKLM\\SYSTEM\\Setup\\LabConfig /v ${v} /t REG_DWORD /d 1 /f`,
        description: `Lab bench only: ${v}`,
      }))
    : [];

  const windowsPE = el('settings', { pass: 'windowsPE' }, [
    international('windowsPE', rc),
    component(
      'Microsoft-Windows-Setup',
      disk,
      el('ImageInstall', [
        el('OSImage', [
          el('InstallFrom', [
            el('MetaData', { 'wcm:action': 'add' }, [
              el('Key', ['index' in target.image ? '/IMAGE/INDEX' : '/IMAGE/NAME']),
              el('Value', ['index' in target.image ? target.image.index : target.image.name]),
            ]),
          ]),
          el('InstallTo', [el('DiskID', [p.disk.disk]), el('PartitionID', [installTo])]),
          el('WillShowUI', ['OnError']),
        ]),
      ]),
      el('UserData', [
        el('AcceptEula', ['true']),
        el('FullName', [p.admin.fullName ?? p.admin.username]),
        el('Organization', [org]),
        target.productKey
          ? el('ProductKey', [
              el('Key', [secrets.get(target.productKey.secret)]),
              el('WillShowUI', ['OnError']),
            ])
          : null,
      ]),
      peCommands.length ? runSynchronous(peCommands) : null,
    ),
  ]);

  const join =
    p.join.type === 'domain'
      ? component(
          'Microsoft-Windows-UnattendedJoin',
          el('Identification', [
            el('Credentials', [
              el('Domain', [p.join.domain]),
              el('Username', [p.join.username]),
              el('Password', [secrets.get(p.join.password.secret)]),
            ]),
            el('JoinDomain', [p.join.domain]),
            p.join.ou ? el('MachineObjectOU', [p.join.ou]) : null,
          ]),
        )
      : component(
          'Microsoft-Windows-UnattendedJoin',
          el('Identification', [el('JoinWorkgroup', [p.join.name])]),
        );

  const specialize = el('settings', { pass: 'specialize' }, [
    component(
      'Microsoft-Windows-Shell-Setup',
      el('ComputerName', [computerName]),
      el('RegisteredOrganization', [org]),
      el('RegisteredOwner', [p.admin.fullName ?? p.admin.username]),
      el('TimeZone', [windowsTimezone(p.locale)]),
    ),
    join,
    component('Microsoft-Windows-Deployment', runSynchronous(windowsAgentCommands())),
  ]);

  const oobeSystem = el('settings', { pass: 'oobeSystem' }, [
    international('oobeSystem', rc),
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
            password(secrets.get(p.admin.password.secret), 'Password'),
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
    el('unattend', { xmlns: UNATTEND_NS, 'xmlns:wcm': WCM_NS }, [
      windowsPE,
      specialize,
      oobeSystem,
    ]),
  );
}
