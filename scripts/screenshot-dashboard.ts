// Saves docs/dashboard.png: the dashboard over a day of made-up traffic (10 endpoints called,
// 4 declared and never called), in Chromium. Run: node --import tsx scripts/screenshot-dashboard.ts [out.png]
import { chromium } from 'playwright-core';
import { startCollector } from '../src/collector/server.js';
import { dashboardHits, DECLARED_ROUTES } from '../test/helpers/dashboard-data.js';

const out = process.argv[2] ?? 'docs/dashboard.png';
const nowMs = Date.now();
const collector = await startCollector({ port: 0, memory: true, output: 'none', routes: DECLARED_ROUTES });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  await collector.store.insert(dashboardHits(nowMs, 4000, 24 * 3_600_000), nowMs);
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
  await page.goto(`${collector.url}/?range=24h`);
  await page.waitForSelector('#status[data-state="ok"]');
  await page.waitForSelector('#chart canvas');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await collector.close();
}
