import type { Page } from 'playwright-core';

/** The Drivers screen: packs per model, models without one, a .cab upload, delete. */
export class DriversScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-drivers').click();
    await this.page.getByTestId('drivers-page').waitFor();
    return this;
  }

  row(id: string) {
    return this.page.getByTestId(`driver-${id}`);
  }

  uncovered() {
    return this.page.getByTestId('drivers-uncovered');
  }

  async importCab(file: string, vendor: string, model: string, winpe: boolean): Promise<void> {
    await this.page.getByTestId('drivers-vendor').fill(vendor);
    await this.page.getByTestId('drivers-model').fill(model);
    if (winpe) await this.page.getByTestId('drivers-winpe').check();
    await this.page.getByTestId('drivers-file').setInputFiles(file);
  }
}
