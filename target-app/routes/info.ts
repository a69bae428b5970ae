import { packageVersion } from '../../common/package-version.js';
import type { FlagReader } from '../flags/types.js';
import { FLAG_NAMES } from '../flags/names.js';
import { defineRoute, type AnyRoute } from '../http/route-table.js';
import { InfoResponse } from '../response-schemas.js';

export const APP_NAME = 'perflab-target-app';

/**
 * What a load test records about the system under test, so results are never
 * compared blind: the version, the storage, the runtime and the switchable
 * optimization-lab flags as they are at the moment of the request.
 */
export function infoRoutes(dbKind: string, flags: FlagReader): AnyRoute[] {
  const version = packageVersion();
  return [
    defineRoute({
      method: 'get',
      path: '/api/info',
      access: 'public',
      tag: 'meta',
      summary: 'Version, storage, runtime and performance flags of this instance',
      responses: { 200: { description: 'instance facts', schema: InfoResponse } },
      handler: ({ res }) => {
        const values = Object.fromEntries(FLAG_NAMES.map((f) => [f, flags.isOn(f)]));
        res.json({ name: APP_NAME, version, db: dbKind, node: process.version, flags: values });
      },
    }),
  ];
}
