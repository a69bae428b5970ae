import { FLAG_DESCRIPTIONS, FLAG_NAMES, type FlagValues } from '../flags/index.js';
import { CSRF_FORM_FIELD } from '../security/csrf.js';
import { html, type SafeHtml } from '../security/html.js';

/**
 * The admin page's markup. Every value goes through `html`, which escapes it;
 * there is no script at all (plain forms), so the app's CSP needs no exception.
 */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · perflab admin</title>
        <style>
          body {
            font:
              15px/1.4 system-ui,
              sans-serif;
            margin: 2rem auto;
            max-width: 60rem;
            padding: 0 1rem;
          }
          table {
            border-collapse: collapse;
            width: 100%;
          }
          td,
          th {
            border-bottom: 1px solid #ddd;
            padding: 0.4rem;
            text-align: left;
          }
          .on {
            color: #b00;
            font-weight: 600;
          }
          .off {
            color: #070;
          }
          .error {
            background: #fee;
            border: 1px solid #c00;
            padding: 0.5rem;
          }
          form.inline {
            display: inline;
          }
          header {
            display: flex;
            justify-content: space-between;
            align-items: center;
          }
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html> `.toString();
}

const csrfField = (token: string) => html`<input type="hidden" name="${CSRF_FORM_FIELD}" value="${token}" />`;
const errorBox = (message: string | undefined) =>
  message ? html`<p class="error" role="alert">${message}</p>` : undefined;

export function loginPage(csrf: string, error?: string, email = ''): string {
  return layout(
    'Sign in',
    html`<h1>perflab admin</h1>
      ${errorBox(error)}
      <form method="post" action="/admin/login">
        ${csrfField(csrf)}
        <p>
          <label
            >Email <input type="email" name="email" value="${email}" autocomplete="username" required
          /></label>
        </p>
        <p>
          <label
            >Password <input type="password" name="password" autocomplete="current-password" required
          /></label>
        </p>
        <p><button type="submit">Sign in</button></p>
      </form>`,
  );
}

export function flagsPage(csrf: string, who: string, flags: FlagValues, error?: string): string {
  const rows = FLAG_NAMES.map((flag) => {
    const on = flags[flag];
    return html`<tr data-flag="${flag}">
      <td><code>${flag}</code></td>
      <td>${FLAG_DESCRIPTIONS[flag]}</td>
      <td class="${on ? 'on' : 'off'}">${on ? 'on' : 'off'}</td>
      <td>
        <form class="inline" method="post" action="/admin/flags">
          ${csrfField(csrf)} <input type="hidden" name="flag" value="${flag}" /><input
            type="hidden"
            name="enabled"
            value="${on ? 'false' : 'true'}"
          />
          <button type="submit" name="switch" value="${flag}">${on ? 'Switch off' : 'Switch on'}</button>
        </form>
      </td>
    </tr>`;
  });
  return layout(
    'Flags',
    html`<header>
        <h1>Optimization-lab flags</h1>
        <form class="inline" method="post" action="/admin/logout">
          ${csrfField(csrf)}<span>${who}</span> <button type="submit">Sign out</button>
        </form>
      </header>
      <p>On switches the anti-pattern on (the slow way); off is the optimized default. See docs/lab.md.</p>
      ${errorBox(error)}
      <table>
        <thead>
          <tr>
            <th>flag</th>
            <th>what it does when on</th>
            <th>state</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p class="error" role="alert">${message}</p>
      <p><a href="/admin">Back</a></p>`,
  );
}
