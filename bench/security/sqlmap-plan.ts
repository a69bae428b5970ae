/**
 * What `npm run scan:sqlmap` asks sqlmap, and how it reads the answer. Pure:
 * a plan from the attack catalog, a verdict from sqlmap's output.
 */
import { withValue, type Caller, type Endpoint } from '../../test/target-app/attacks/catalog.js';

/** What one input's scan needs that only the running app can give. */
export interface ScanFixture {
  token: string | undefined;
  productId: number;
  orderId: number;
  /** A valid signed cursor, so the cursor input starts from an answer the app accepts. */
  cursor: string;
}

export interface ScanJob {
  label: string;
  caller: Caller;
  destructive: boolean;
  bind(f: ScanFixture): { label: string; args: string[] };
}

export interface ScanFinding {
  label: string;
  verdict: 'not injectable' | 'injectable' | 'timed out' | 'unclear';
  /** Answers of 500 and above sqlmap saw during the scan: none is the goal, whatever the input. */
  serverErrors: number;
  /** Injection techniques sqlmap tried (its "testing '…'" lines): a scan that stopped early shows few. */
  techniques: number;
  seconds: number;
}

/** sqlmap's custom injection marker: it injects there and nowhere else. */
const MARK = '*';
const DEFAULT_QUERY_VALUE: Record<string, string> = { q: 'a', limit: '10' };

function common(level: number, risk: number): string[] {
  return [
    '--batch',
    '--level',
    String(level),
    '--risk',
    String(risk),
    '--dbms',
    'PostgreSQL',
    '--flush-session',
    '--disable-coloring',
    '--timeout',
    '30',
    '--retries',
    '1',
    // The app's own answers decide, not sqlmap's guesses about WAFs or redirects.
    '--skip-waf',
    // A wrong password (401) or a product a DELETE already archived (404) is an answer to compare, not a stop.
    '--ignore-code',
    '401,404',
    '--answers',
    'custom injection marker=Y,follow=N,keep testing=Y',
  ];
}

const auth = (token: string | undefined): string[] => (token ? ['-H', `Authorization: Bearer ${token}`] : []);

/**
 * One job per attacker-controlled input of every endpoint (query values,
 * path ids, JSON body fields, each marked for sqlmap), plus the headers
 * sqlmap tests at level 3 and the bearer token itself.
 */
export function planScan(endpoints: readonly Endpoint[], o: { level: number; risk: number; target: string }) {
  const jobs: ScanJob[] = [];
  for (const e of endpoints) {
    for (const input of e.inputs) {
      const label = `${e.method} ${e.template} ${input.where} ${input.name}`;
      jobs.push({
        label,
        caller: e.caller,
        destructive: e.destructive ?? false,
        bind: (f) => {
          const id = e.template.startsWith('/api/orders/') ? f.orderId : f.productId;
          const path = e.template.replace(':id', input.where === 'params' ? `${id}${MARK}` : String(id));
          const query = new URLSearchParams(e.query ?? {});
          if (input.where === 'query') {
            const value =
              query.get(input.name) ??
              (input.name === 'cursor' ? f.cursor : (DEFAULT_QUERY_VALUE[input.name] ?? '1'));
            query.set(input.name, value);
          }
          // URLSearchParams would escape the marker: add it after.
          let qs = query.toString();
          if (input.where === 'query') {
            const key = `${encodeURIComponent(input.name)}=`;
            qs = qs
              .split('&')
              .map((kv) => (kv.startsWith(key) ? kv + MARK : kv))
              .join('&');
          }
          const args = ['-u', `${o.target}${path}${qs ? `?${qs}` : ''}`, '--method', e.method];
          if (e.body) {
            const body = e.body({ productId: f.productId, orderId: f.orderId, unique: 'sqlmap' });
            let data = JSON.stringify(body);
            if (input.where === 'body') {
              const placeholder = '__SQLMAP_MARK__';
              const original = input.name
                .split('.')
                .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], body);
              // Inside a string's quotes, after a number or boolean: the payload lands in the value.
              const json = JSON.stringify(original);
              const marked = typeof original === 'string' ? `${json.slice(0, -1)}${MARK}"` : json + MARK;
              data = JSON.stringify(withValue(body, input.name, placeholder)).replace(
                `"${placeholder}"`,
                marked,
              );
            }
            args.push('--data', data, '-H', 'Content-Type: application/json');
          }
          args.push(...auth(f.token), ...common(o.level, o.risk));
          return { label, args };
        },
      });
    }
  }
  // Headers: User-Agent and Referer (sqlmap's level-3 set) on a public read,
  // and the bearer token itself on an authenticated one.
  jobs.push({
    label: 'GET /api/products header User-Agent, Referer',
    caller: 'anon',
    destructive: false,
    bind: () => ({
      label: 'GET /api/products header User-Agent, Referer',
      args: [
        '-u',
        `${o.target}/api/products?limit=5`,
        '-p',
        'user-agent,referer',
        ...common(o.level, o.risk),
      ],
    }),
  });
  jobs.push({
    label: 'GET /api/users/me header Authorization',
    caller: 'customer',
    destructive: false,
    bind: (f) => ({
      label: 'GET /api/users/me header Authorization',
      args: [
        '-u',
        `${o.target}/api/users/me`,
        '-H',
        `Authorization: Bearer ${f.token ?? ''}${MARK}`,
        ...common(o.level, o.risk),
      ],
    }),
  });
  return jobs;
}

/** The verdict of one sqlmap run from its console output. */
export function summarizeSqlmap(
  label: string,
  output: string,
  seconds: number,
  timedOut: boolean,
): ScanFinding {
  let serverErrors = 0;
  for (const m of output.matchAll(/\b(5\d\d) \([^)]*\) - (\d+) times?/g)) serverErrors += Number(m[2]);
  let verdict: ScanFinding['verdict'];
  if (/sqlmap identified the following injection point/.test(output)) verdict = 'injectable';
  else if (/all tested parameters do not appear to be injectable/.test(output)) verdict = 'not injectable';
  else if (timedOut) verdict = 'timed out';
  else verdict = 'unclear';
  const techniques = output.match(/\[INFO\] testing '/g)?.length ?? 0;
  return { label, verdict, serverErrors, techniques, seconds };
}
