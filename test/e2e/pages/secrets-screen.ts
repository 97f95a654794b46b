import type { Page } from 'playwright-core';

/** The Secrets screen: names, who uses each, set / replace / delete; values never shown. */
export class SecretsScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-secrets').click();
    await this.page.getByTestId('secrets-page').waitFor();
    return this;
  }

  missing(name: string) {
    return this.page.getByTestId(`secret-missing-${name}`);
  }

  row(name: string) {
    return this.page.getByTestId(`secret-row-${name}`);
  }

  message() {
    return this.page.getByTestId('secrets-message');
  }

  /** Sets a secret a profile names but nobody set yet. */
  async setMissing(name: string, value: string): Promise<void> {
    const form = this.page.getByTestId(`secret-form-${name}`);
    await form.getByTestId('secret-value').fill(value);
    await form.getByTestId('secret-save').click();
  }

  async add(name: string, value: string): Promise<void> {
    const form = this.page.getByTestId('secret-form-new');
    await form.getByTestId('secret-name').fill(name);
    await form.getByTestId('secret-value').fill(value);
    await form.getByTestId('secret-save').click();
  }

  async replace(name: string, value: string): Promise<void> {
    await this.row(name).getByTestId('secret-replace').click();
    const form = this.page.getByTestId(`secret-form-${name}`);
    await form.getByTestId('secret-value').fill(value);
    await form.getByTestId('secret-save').click();
  }

  async remove(name: string): Promise<void> {
    await this.row(name).getByTestId('secret-delete').click();
    await this.page.getByTestId('confirm-ok').click();
  }
}
