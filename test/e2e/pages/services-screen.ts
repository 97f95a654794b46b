import type { Page } from 'playwright-core';

/** The Services screen: service rows, the bench network form, the boot log. */
export class ServicesScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-services').click();
    await this.page.getByTestId('services-page').waitFor();
    return this;
  }

  row(service: string) {
    return this.page.getByTestId(`service-row-${service}`);
  }

  async chooseAddress(iface: string, address: string): Promise<void> {
    await this.page.getByTestId(`iface-${iface}-${address}`).check();
  }

  async chooseMode(mode: 'off' | 'proxy' | 'full'): Promise<void> {
    await this.page.getByTestId(`dhcp-mode-${mode}`).check();
  }

  async chooseSecureBoot(policy: 'auto' | 'signed' | 'ipxe'): Promise<void> {
    await this.page.getByTestId(`secure-boot-${policy}`).check();
  }

  async save(): Promise<void> {
    await this.page.getByTestId('network-save').click();
  }

  saveError() {
    return this.page.getByTestId('network-error');
  }

  saved() {
    return this.page.getByTestId('network-saved');
  }

  otherDhcpWarning() {
    return this.page.getByTestId('other-dhcp-warning');
  }

  bootLogLines() {
    return this.page.getByTestId('boot-log-line');
  }

  async filterBootLog(text: string): Promise<void> {
    await this.page.getByTestId('boot-log-mac').fill(text);
  }
}
