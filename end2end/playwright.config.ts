import { defineConfig } from '@playwright/test';

// The release build on a fresh SQLite file, with fixed demo passwords.
const PORT = Number(process.env.OTLENS_E2E_PORT ?? 3100);
export const DEMO_PASSWORD = 'e2e-demo-password';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  webServer: {
    command: `rm -f /tmp/otlens-e2e.db* && ../target/release/server --demo --demo-captures ../traffic/testdata/pcaps --database-url sqlite:///tmp/otlens-e2e.db --listen 127.0.0.1:${PORT}`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      OTLENS_DEMO_PASSWORD: DEMO_PASSWORD,
      // The demo tenant's traffic, as start.sh gives it: the map and the
      // inventory pages have assets to show.
      LEPTOS_SITE_ROOT: '../target/site',
      OTLENS_LOG: 'warn',
    },
  },
});
