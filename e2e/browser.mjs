// Shared by the browser tests (a11y.mjs, serve.mjs): the viewports they test, loading playwright-core and
// axe-core from e2e/node_modules, and launching Debian's Chromium headless.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

export const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1366, height: 900 }, isMobile: false, hasTouch: false,
    deviceScaleFactor: 1 },
];

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

// playwright-core's chromium and axe-core's source; exits 2 (could not run) when they are not installed.
export function loadDeps(tool) {
  try {
    const { chromium } = require('playwright-core');
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    return { chromium, axeSource };
  } catch (e) {
    console.error(`${tool}: cannot load playwright-core/axe-core (${e.code || e.message}).\n` +
      `${tool}: run \`npm ci\` in e2e/ (or \`bash scripts/install-deps.sh\`) first.`);
    process.exit(2);
  }
}

// Chromium from $CHROMIUM or /usr/bin/chromium, with the flags of a headless test run.
export function launchChromium(chromium) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
