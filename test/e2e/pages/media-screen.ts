import type { Page } from 'playwright-core';

/** The Media screen: import an ISO (picked or dropped), the list, delete with confirmation. */
export class MediaScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-media').click();
    await this.page.getByTestId('media-page').waitFor();
    return this;
  }

  row(id: string) {
    return this.page.getByTestId(`media-row-${id}`);
  }

  progressText() {
    return this.page.getByTestId('media-progress-text');
  }

  errorText() {
    return this.page.getByTestId('media-error').or(this.page.getByTestId('media-import-error'));
  }

  async importIso(file: string, id: string): Promise<void> {
    await this.page.getByTestId('media-id').fill(id);
    await this.page.getByTestId('media-file').setInputFiles(file);
  }

  async delete(id: string): Promise<void> {
    await this.page.getByTestId(`media-delete-${id}`).click();
    await this.page.getByTestId('confirm-ok').click();
  }
}
