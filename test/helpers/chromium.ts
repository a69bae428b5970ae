import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, never a downloaded one, with no background traffic of its own (the network is closed). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
