import type { Browser, Page } from 'playwright-core';
import type { TestStation } from '../../helpers/station.js';

/** Opens the dashboard link (?token=) at a screen, as a technician does from the console. */
export async function openStation(
  browser: Browser,
  st: TestStation,
  hash = '#/bench',
  viewport = { width: 1440, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${st.uiUrl}/?token=${st.token}${hash}`);
  await page.getByTestId('stream-state').waitFor();
  return page;
}

export async function navigate(page: Page, screen: string): Promise<void> {
  await page.getByTestId(`nav-${screen}`).click();
}
