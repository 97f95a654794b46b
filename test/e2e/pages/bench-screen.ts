import type { Page } from 'playwright-core';

/** The Bench screen: the machine list, filters, selection actions and batches. */
export class BenchScreen {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-bench').click();
    await this.page.getByTestId('bench-page').or(this.page.getByTestId('first-run')).waitFor();
    return this;
  }

  /** Skips the first-run setup if it shows (a fresh station has no bench network yet). */
  async skipSetup(): Promise<void> {
    const later = this.page.getByTestId('first-run-later');
    // One of the two shows once the bench has loaded (never first one, then the other).
    await later.or(this.page.getByTestId('bench-page')).first().waitFor();
    if (await later.isVisible()) await later.click();
    await this.page.getByTestId('bench-page').waitFor();
  }

  row(machineId: string) {
    return this.page.getByTestId(`machine-row-${machineId}`);
  }

  rows() {
    return this.page.locator('[data-testid^="machine-row-"]');
  }

  async rowState(machineId: string): Promise<string | null> {
    return this.row(machineId).getAttribute('data-state');
  }

  async rowText(machineId: string, part: 'step' | 'why' | 'name' | 'profile' | 'elapsed' | 'eta') {
    return this.row(machineId).getByTestId(`machine-${part}`).textContent();
  }

  async select(machineId: string): Promise<void> {
    await this.row(machineId).getByTestId('machine-select').click();
  }

  async openMachine(machineId: string): Promise<void> {
    await this.row(machineId).getByTestId('machine-name').click();
    await this.page.getByTestId('machine-page').waitFor();
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('bench-search').fill(text);
  }

  async filterState(state: string): Promise<void> {
    await this.page.getByTestId('filter-state').selectOption(state);
  }

  /**
   * Creates a "next N" batch. A confirmation comes first when the profile is not ready or
   * PCs already wait; `confirm` answers it (returns its text), else the batch is created.
   */
  async createBatch(
    count: number,
    profile: string,
    confirm: 'ok' | 'cancel' = 'ok',
  ): Promise<string | null> {
    await this.page.getByTestId('batch-count').fill(String(count));
    await this.page.getByTestId('batch-profile').fill(profile);
    await this.page.locator('[data-testid="batch-form"]:not([data-readiness="unknown"])').waitFor();
    await this.page.getByTestId('batch-create').click();
    const dialog = this.page.getByTestId('confirm-dialog');
    await dialog.or(this.page.getByTestId('batch-created')).first().waitFor();
    if (!(await dialog.isVisible())) return null;
    const text = await dialog.textContent();
    await this.page.getByTestId(confirm === 'ok' ? 'confirm-ok' : 'confirm-cancel').click();
    if (confirm === 'ok') await this.page.getByTestId('batch-created').waitFor();
    return text;
  }

  batchFilled() {
    return this.page.getByTestId('batch-filled');
  }

  async assignSelected(profile: string): Promise<void> {
    await this.page.getByTestId('selection-profile').fill(profile);
    await this.page.getByTestId('selection-assign').click();
  }

  async resetSelected(): Promise<void> {
    await this.page.getByTestId('selection-reset').click();
    await this.page.getByTestId('confirm-ok').click();
  }

  selectionMessage() {
    return this.page.getByTestId('selection-message');
  }
}
