import type { Page } from 'playwright-core';

/** A machine's detail: steps with logs, timeline, inventory, actions. */
export class MachineScreen {
  constructor(readonly page: Page) {}

  step(stepId: string) {
    return this.page.getByTestId(`step-${stepId}`);
  }

  async stepStatus(stepId: string): Promise<string | null> {
    return this.step(stepId).getAttribute('data-status');
  }

  stepLog(stepId: string) {
    return this.step(stepId).getByTestId('step-log');
  }

  async retryStep(stepId: string): Promise<void> {
    await this.step(stepId).getByTestId('step-retry').click();
  }

  async fullLog(stepId: string): Promise<void> {
    await this.step(stepId).getByTestId('step-full-log').click();
  }

  timeline() {
    return this.page.getByTestId('timeline');
  }

  async action(which: 'reset' | 'mark-done', confirm: boolean): Promise<void> {
    await this.page.getByTestId(`action-${which}`).click();
    await this.page.getByTestId(confirm ? 'confirm-ok' : 'confirm-cancel').click();
  }

  async back(): Promise<void> {
    await this.page.getByTestId('back-to-bench').click();
    await this.page.getByTestId('bench-page').waitFor();
  }
}
