import type { EndpointResult, ServerRouteFigures } from '../types.js';

/** `GET /api/products/:id` → a matcher for `GET /api/products/12?x=1`. */
export function routeMatcher(route: string): (sample: string) => boolean {
  const pattern = route
    .split(/(:[A-Za-z_]\w*)/)
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${pattern}/?$`);
  return (sample) => re.test(sample.split('?')[0] ?? sample);
}

/** The server route an endpoint's sample request matched, with its figures. */
export function routeFor(
  ep: Pick<EndpointResult, 'sample'>,
  routes: Record<string, ServerRouteFigures> | undefined,
): [string, ServerRouteFigures] | undefined {
  if (!routes || !ep.sample) return undefined;
  return Object.entries(routes).find(([route]) => routeMatcher(route)(ep.sample as string));
}
