import type { Client, Dispatcher } from 'undici';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request through undici's dispatch API, without the stream a
 * `request()` body would allocate: for a load generator that is most of the
 * per-request CPU. The body is kept only when `keepBody` (checks, captures).
 */
export function sendRequest(
  client: Client,
  options: Dispatcher.DispatchOptions,
  keepBody: boolean,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    client.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode, h) {
        status = statusCode;
        headers = h;
      },
      onResponseData(_controller, chunk) {
        if (keepBody) chunks.push(chunk);
      },
      onResponseEnd() {
        resolve({ status, headers, text: keepBody ? Buffer.concat(chunks).toString('utf8') : '' });
      },
      onResponseError(_controller, err) {
        reject(err);
      },
    });
  });
}
