import { packageVersion } from '../../common/package-version.js';
import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { InfoResponse } from '../response-schemas.js';

export const APP_NAME = 'perflab-target-app';

/**
 * What a load test records about the system under test, so results are never
 * compared blind: the version, the storage, the runtime and the switchable
 * performance flags (none yet; the optimization lab adds them here).
 */
export function infoRoutes(
  dbKind: string,
  flags: Readonly<Record<string, boolean>> = {},
  // The runtime version tells an attacker which CVEs apply; published only when the operator asks.
  { runtime = false }: { runtime?: boolean } = {},
): AnyRoute[] {
  const version = packageVersion();
  return [
    defineRoute({
      method: 'get',
      path: '/api/info',
      access: 'public',
      tag: 'meta',
      summary:
        'Version, storage and performance flags of this instance (the runtime with PERFLAB_INFO_RUNTIME=true)',
      responses: { 200: { description: 'instance facts', schema: InfoResponse } },
      handler: ({ res }) => {
        res.json({
          name: APP_NAME,
          version,
          db: dbKind,
          ...(runtime ? { node: process.version } : {}),
          flags,
        });
      },
    }),
  ];
}
