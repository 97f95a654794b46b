import type { Page } from 'playwright-core';

/** The Profiles list, the editor (form + CodeMirror YAML), history and preview. */
export class ProfilesScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-profiles').click();
    await this.page.getByTestId('profiles-page').waitFor();
    return this;
  }

  row(id: string) {
    return this.page.getByTestId(`profile-row-${id}`);
  }

  async create(input: { base: string; customer: string; code: string }): Promise<void> {
    await this.page.getByTestId('profile-new').click();
    await this.page.getByTestId('new-profile-base').selectOption(input.base);
    await this.page.getByTestId('new-profile-customer').fill(input.customer);
    await this.page.getByTestId('new-profile-code').fill(input.code);
    await this.page.getByTestId('new-profile-create').click();
    await this.editorReady();
  }

  async openProfile(id: string): Promise<void> {
    await this.row(id).getByRole('link').click();
    await this.editorReady();
  }

  async editorReady(): Promise<void> {
    await this.page.getByTestId('profile-editor').waitFor();
    await this.page.locator('.cm-content').waitFor();
  }

  /** The editor's text, line by line as CodeMirror shows it. */
  async yaml(): Promise<string> {
    return this.page
      .locator('.cm-content')
      .evaluate((el) =>
        [...el.querySelectorAll('.cm-line')].map((l) => l.textContent ?? '').join('\n'),
      );
  }

  /** Types at the end of the document, as a technician would. */
  async typeAtEnd(text: string): Promise<void> {
    await this.page.locator('.cm-content').click();
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Escape'); // close a completion popup, if any
  }

  async setField(key: string, value: string): Promise<void> {
    await this.page.getByTestId(`field-${key}`).fill(value);
  }

  async save(): Promise<void> {
    await this.page.getByTestId('profile-save').click();
  }

  message() {
    return this.page.getByTestId('profile-message');
  }

  issueList() {
    return this.page.getByTestId('profile-issue-list');
  }

  inlineErrors() {
    return this.page.locator('.cm-lintRange-error, .cm-lint-marker-error');
  }

  async tab(which: 'edit' | 'history' | 'preview'): Promise<void> {
    await this.page.getByTestId(`profile-tab-${which}`).click();
  }
}
