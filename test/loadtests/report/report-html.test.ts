import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtNumber } from '../../../loadtests/compare/labels.js';
import { pollLine } from '../../../loadtests/format/poll-line.js';
import { renderReport } from '../../../loadtests/report/write-report.js';
import { syntheticRun } from '../compare/synthetic.js';
import { launchChromium } from '../../helpers/chromium.js';
import { fixtureCompare } from './fixture-compare.js';

const ARTIFACTS = '.artifacts/report';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Loads the page from a file:// URL and records console errors, page errors and every request. */
async function open(html: string, name: string) {
  const path = join(process.cwd(), ARTIFACTS, `${name}.html`);
  writeFileSync(path, html);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== `file://${path}`) requests.push(r.url());
  });
  await page.goto(`file://${path}`, { waitUntil: 'load' });
  return { page, problems, requests };
}

/** Every chart container has uPlot's canvas, drawn (data-drawn) and not blank. */
async function chartsDrawn(page: Page, ids: string[]) {
  for (const id of ids) {
    await page.waitForSelector(`#chart-${id}[data-drawn="1"] canvas`, { timeout: 10_000 });
    const inked = await page.$eval(`#chart-${id} canvas`, (c) => {
      // Runs in the page; the test's TypeScript has no DOM types.
      const canvas = c as unknown as {
        width: number;
        height: number;
        getContext(
          kind: '2d',
        ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
      };
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });
    expect(inked, `chart ${id} has ink`).toBeGreaterThan(500);
  }
}

const cells = (page: Page, table: string) =>
  page.$$eval(`#table-${table} tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );

describe('report.html in headless Chromium', () => {
  it('draws a compare: every chart, no console errors, no network, tables from the data', async () => {
    const { compare, before, after } = fixtureCompare();
    const { html } = await renderReport({ kind: 'compare', compare, before, after });
    const { page, problems, requests } = await open(html, 'compare');
    const ids = [
      'latency',
      'throughput',
      'server-lag',
      'server-heap',
      'server-db',
      'server-queries',
      'distribution',
    ];
    await chartsDrawn(page, ids);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const changes = await cells(page, 'changes');
    for (const ep of [...compare.endpoints, compare.overall]) {
      const p95 = ep.figures.find((f) => f.figure === 'p95');
      const row = changes.find((r) => r[0] === ep.name && r[1] === 'p95 (ms)');
      expect(row?.slice(2, 4)).toEqual([fmtNumber(p95?.before), fmtNumber(p95?.after)]);
    }
    const verdicts = await cells(page, 'verdicts');
    expect(verdicts.find((r) => r[0] === 'orders.list')?.slice(1)).toEqual([
      'improved',
      expect.stringMatching(/^fewer queries per request .*queries\/request 21.0 → 2.00/),
    ]);
    expect(await page.textContent('body')).toContain('flags changed: n_plus_one true → false');
    // No step polls: no note under any table.
    expect(await page.locator('.table-note').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('draws a single run, with the endpoint table matching result.json and its poll note', async () => {
    const run = syntheticRun(7);
    // orders.list as a poll step: 2000 polls that sent 5000 requests, at most 7 for one.
    run.endpoints['orders.list']!.polls = { attempts: 5000, max: 7 };
    const { html } = await renderReport({ kind: 'runs', runs: [run], sources: ['result.json'] });
    const { page, problems, requests } = await open(html, 'run');
    await chartsDrawn(page, ['latency', 'throughput', 'distribution']);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const rows = await cells(page, 'endpoints');
    for (const [name, ep] of Object.entries(run.endpoints)) {
      const row = rows.find((r) => r[0] === name);
      expect(row?.[1]).toBe(String(ep.requests));
      expect(row?.slice(4, 7)).toEqual([
        fmtNumber(ep.latency.p50),
        fmtNumber(ep.latency.p95),
        fmtNumber(ep.latency.p99),
      ]);
    }
    expect(rows.at(-1)?.[1]).toBe(String(run.totals.requests));
    // The poll note is shown, once, right under the endpoint table, and names only the polling step.
    const note = page.locator('#notes-endpoints .table-note');
    expect(await note.count()).toBe(1);
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toBe(pollLine('orders.list', run.endpoints['orders.list']!));
    expect(await note.textContent()).toContain('5000 requests for 2000 polls (2.5 per poll, at most 7)');
    const table = await page.locator('#table-endpoints').boundingBox();
    const box = await note.boundingBox();
    expect(box && table && box.height > 0 && box.y >= table.y + table.height).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('carries its chart library inline and a policy that forbids loading anything', async () => {
    const { html } = await renderReport({ kind: 'runs', runs: [syntheticRun(8)], sources: [] });
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toMatch(/charts by uPlot \d+\.\d+\.\d+, inlined/);
  });
});
