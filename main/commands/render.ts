import fs from 'node:fs';
import { DriverLibrary } from '../drivers/library.js';
import { choosePacks } from '../drivers/types.js';
import { MediaLibrary } from '../media/library.js';
import path from 'node:path';
import { absolutePlanSteps, buildPlanSteps } from '../agent/plan.js';
import { loadProfileDir } from '../profiles/load-dir.js';
import { formatIssue, profileIdFromFile } from '../profiles/parse.js';
import {
  MASK,
  RenderError,
  answerFormats,
  maskedSecrets,
  renderAnswerFile,
  renderIpxeInstall,
  renderWinpeFiles,
  sampleMachine,
  storeSecrets,
  type AnswerFormat,
  type RenderContext,
} from '../profiles/render/index.js';
import { FileKeyProvider, SecretStore } from '../profiles/secrets.js';
import { helpFlag, parseCommandLine, switchFlag, UsageError, valueFlag } from '../util/args.js';

export const renderHelp = `prepstation render PROFILE --machine MAC --format FORMAT [options]

  PROFILE              a profile id (in --profiles) or a .yaml file
  --format F           autounattend | autoinstall | preseed | kickstart | ipxe | winpe | plan
  --machine MAC        the machine's MAC (its hostname falls back to it)
  --serial S           its serial number (for {serial} in the hostname pattern)
  --firmware F         uefi (default) or bios
  --profiles DIR       profiles folder (default ./profiles)
  --station-url URL    the bench listener's URL (default http://127.0.0.1:8080)
  --token T            the machine's agent token (default ${MASK})
  --data-dir DIR --reveal-secrets   use the real secrets of that station (default: masked)`;

/** `prepstation render`: one answer file (or script, or plan) to stdout. */
export async function render(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseCommandLine(
      argv,
      {
        format: valueFlag,
        machine: valueFlag,
        serial: valueFlag,
        firmware: valueFlag,
        profiles: valueFlag,
        'station-url': valueFlag,
        token: valueFlag,
        'data-dir': valueFlag,
        'reveal-secrets': switchFlag,
        help: helpFlag,
      },
      { positionals: true },
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`prepstation render: ${err.message}\n\n${renderHelp}\n`);
    return 2;
  }
  const o = {
    ...args.values,
    firmware: args.values.firmware ?? 'uefi',
    profiles: args.values.profiles ?? 'profiles',
    'station-url': args.values['station-url'] ?? 'http://127.0.0.1:8080',
    token: args.values.token ?? MASK,
  };
  if (o.help) {
    process.stdout.write(renderHelp + '\n');
    return 0;
  }
  const [profileArg] = args.positionals;
  const format = o.format;
  if (!profileArg || !format || args.positionals.length > 1) {
    process.stderr.write(`${renderHelp}\n`);
    return 2;
  }
  if (o.firmware !== 'uefi' && o.firmware !== 'bios') {
    process.stderr.write('prepstation render: --firmware is uefi or bios\n');
    return 2;
  }
  const isFile = /\.ya?ml$/i.test(profileArg) && fs.existsSync(profileArg);
  const dir = isFile ? path.dirname(profileArg) : o.profiles;
  const id = isFile ? profileIdFromFile(profileArg) : profileArg;
  if (!fs.existsSync(dir)) {
    process.stderr.write(`prepstation render: ${dir}: no such folder\n`);
    return 2;
  }
  const r = loadProfileDir(dir).resolved.get(id);
  if (!r) {
    process.stderr.write(`prepstation render: no profile "${id}" in ${dir}\n`);
    return 1;
  }
  if (!r.ok) {
    for (const i of r.issues) process.stderr.write(formatIssue(i) + '\n');
    return 1;
  }
  let secrets = maskedSecrets;
  if (o['reveal-secrets']) {
    if (!o['data-dir']) {
      process.stderr.write(
        'prepstation render: --reveal-secrets needs --data-dir of the station\n',
      );
      return 2;
    }
    const d = o['data-dir'];
    secrets = storeSecrets(
      new SecretStore(
        path.join(d, 'secrets.json'),
        new FileKeyProvider(path.join(d, 'secrets.key')),
      ),
    );
  }
  const machine = o.machine
    ? { id: o.machine.toLowerCase(), macs: [o.machine], ...(o.serial ? { serial: o.serial } : {}) }
    : sampleMachine;
  const rc: RenderContext = {
    profile: r.profile,
    machine,
    token: o.token,
    stationUrl: o['station-url'].replace(/\/+$/, ''),
    firmware: o.firmware,
    secrets,
  };
  if (r.profile.target.os === 'windows' && o['data-dir']) {
    // The station's libraries, read from its files dir (default <data-dir>/files).
    const filesDir = path.join(o['data-dir'], 'files');
    rc.media = new MediaLibrary(filesDir).get(r.profile.target.media);
    rc.drivers = choosePacks(new DriverLibrary(filesDir), machine, r.profile.drivers).chosen;
  }
  try {
    let out: string;
    if ((answerFormats as readonly string[]).includes(format)) {
      out = renderAnswerFile(format as AnswerFormat, rc);
    } else if (format === 'ipxe') {
      out = renderIpxeInstall(rc);
    } else if (format === 'winpe') {
      out = Object.entries(renderWinpeFiles(rc))
        .map(([name, body]) => `==> ${name} <==\n${body.replace(/\r\n/g, '\n')}`)
        .join('\n');
    } else if (format === 'plan') {
      out =
        JSON.stringify(absolutePlanSteps(buildPlanSteps(r.profile), rc.stationUrl), null, 2) + '\n';
    } else {
      process.stderr.write(`prepstation render: unknown --format ${format}\n\n${renderHelp}\n`);
      return 2;
    }
    process.stdout.write(out);
    return 0;
  } catch (err) {
    if (err instanceof RenderError) {
      process.stderr.write(`prepstation render: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
