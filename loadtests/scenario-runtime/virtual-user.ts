import { CookieJar } from 'tough-cookie';
import type { StepContext, StepDefinition, Vars } from '../types.js';

/**
 * One virtual user's state: its variables (captures), its iteration count,
 * the `once` steps it has done, and, when the scenario asks for it, a cookie
 * jar. tough-cookie applies the RFC 6265 rules (path, expiry, Max-Age=0
 * deletion) that a hand-written jar would get subtly wrong.
 */
export class VirtualUser {
  vars: Vars = {};
  iteration = 0;
  private readonly done = new Set<StepDefinition<unknown>>();
  private readonly jar: CookieJar | undefined;

  constructor(
    readonly index: number,
    cookies: boolean,
  ) {
    this.jar = cookies ? new CookieJar() : undefined;
  }

  context<T>(data: T): StepContext<T> {
    return { data, vars: this.vars, vu: this.index, iteration: this.iteration };
  }

  /** A `once` step this user already got through is skipped. */
  skips(step: StepDefinition<unknown>): boolean {
    return step.once === true && this.done.has(step);
  }

  succeeded(step: StepDefinition<unknown>): void {
    if (step.once === true) this.done.add(step);
  }

  /** The Cookie header for a request to `url`, if the jar holds any for it. */
  cookieHeader(url: string): string | undefined {
    if (!this.jar) return undefined;
    const cookie = this.jar.getCookieStringSync(url);
    return cookie === '' ? undefined : cookie;
  }

  storeCookies(url: string, headers: Record<string, string | string[] | undefined>): void {
    const set = this.jar && headers['set-cookie'];
    if (!set) return;
    for (const line of Array.isArray(set) ? set : [set]) {
      // A malformed cookie from the target is the target's problem, not a crash of the generator.
      this.jar?.setCookieSync(line, url, { ignoreError: true });
    }
  }
}
