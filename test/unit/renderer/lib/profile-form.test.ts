import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  idFromName,
  newProfileText,
  readForm,
  writeField,
} from '../../../../renderer/src/lib/profile-form.js';

const text = `# Acme: keep this comment
id: acme
name: Acme office PCs # and this one
extends: windows-11-base

customer:
  name: Acme
  code: ACME
apps:
  - id: firefox
`;

describe('profile form over the YAML text', () => {
  it('reads the common fields, empty when the base gives them', () => {
    expect(readForm(text)).toMatchObject({
      name: 'Acme office PCs',
      customer: 'Acme',
      code: 'ACME',
      timezone: '',
    });
  });

  it('writes a nested field and keeps comments and the rest as written', () => {
    const out = writeField(text, 'timezone', 'Europe/Vienna')!;
    expect(parse(out)).toMatchObject({
      locale: { timezone: 'Europe/Vienna' },
      apps: [{ id: 'firefox' }],
    });
    expect(out).toContain('# Acme: keep this comment');
    expect(out).toContain('# and this one');
  });

  it('removes a field set empty, so the base value applies again', () => {
    const out = writeField(text, 'code', '')!;
    expect(parse(out).customer).toEqual({ name: 'Acme' });
  });

  it('refuses to touch text that does not parse', () => {
    expect(readForm('name: [unclosed')).toBeNull();
    expect(writeField('name: [unclosed', 'name', 'x')).toBeNull();
  });

  it('creates a new customer profile that parses, with hostile names quoted', () => {
    const out = newProfileText({
      id: 'mueller',
      name: 'Müller & Söhne <GmbH>: "Büro"',
      base: 'windows-11-base',
      customer: "Müller's # not a comment",
      code: 'MUE',
    });
    expect(parse(out)).toEqual({
      id: 'mueller',
      name: 'Müller & Söhne <GmbH>: "Büro"',
      extends: 'windows-11-base',
      customer: { name: "Müller's # not a comment", code: 'MUE' },
    });
  });

  it.each([
    ['Müller & Söhne GmbH', 'mueller-soehne-gmbh'],
    ['Bäckerei Test', 'baeckerei-test'],
    ['  École Saint-Jean  ', 'ecole-saint-jean'],
    ['Straße 12', 'strasse-12'],
  ])('id from %j', (name, id) => {
    expect(idFromName(name)).toBe(id);
  });
});
