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

  /** Drops a file on the drop zone as a file manager would (a DataTransfer with a File). */
  async dropIso(bytes: Buffer, name: string, id: string): Promise<void> {
    await this.page.getByTestId('media-id').fill(id);
    const zone = this.page.getByTestId('media-drop');
    // A string expression: it runs in the page, whose DOM types this file does not load.
    const transfer = await this.page.evaluateHandle(`(() => {
      const raw = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], ${JSON.stringify(name)}, { type: 'application/octet-stream' }));
      return dt;
    })()`);
    await zone.dispatchEvent('dragover', { dataTransfer: transfer });
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
  }

  async delete(id: string): Promise<void> {
    await this.page.getByTestId(`media-delete-${id}`).click();
    await this.page.getByTestId('confirm-ok').click();
  }
}
