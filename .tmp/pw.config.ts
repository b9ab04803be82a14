import { defineConfig } from '@playwright/test';
export default defineConfig({ testDir: '.', timeout: 120_000, workers: 1, reporter: [['list']], outputDir: '/tmp/look-results',
  use: { browserName: 'chromium', viewport: { width: 1200, height: 800 }, launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] } } });
