import { diag, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * The tracing resource when tracing starts without a service name (no
 * `serviceName` option, no OTEL_SERVICE_NAME): `probes/register.ts` runs
 * before the app, and the app names itself later, in `createProbes({
 * serviceName })`. Until then, and if never named, it is the SDK's default
 * (`unknown_service:node`).
 *
 * It can be named only until its attributes are first read: the OTLP writers
 * cache a resource's encoding by identity, so a name given after a span went
 * out would reach some spans and not others. A late name is refused with a
 * diagnostic warning instead.
 */
export class ServiceResource implements Resource {
  #current: Resource;
  #read = false;

  constructor(base: Resource) {
    this.#current = base;
  }

  /** Names the service; false (and a warning) once the resource has been read. */
  nameService(name: string): boolean {
    if (this.#read) {
      diag.warn(
        `perflab: service.name "${name}" given after spans were made; the resource keeps "${String(this.attributes[ATTR_SERVICE_NAME])}". Set OTEL_SERVICE_NAME.`,
      );
      return false;
    }
    this.#current = this.#current.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: name }));
    return true;
  }

  get attributes(): Attributes {
    this.#read = true;
    return this.#current.attributes;
  }

  get schemaUrl(): string | undefined {
    return this.#current.schemaUrl;
  }

  get asyncAttributesPending(): boolean | undefined {
    return this.#current.asyncAttributesPending;
  }

  waitForAsyncAttributes(): Promise<void> {
    return this.#current.waitForAsyncAttributes?.() ?? Promise.resolve();
  }

  merge(other: Resource | null): Resource {
    this.#read = true;
    return this.#current.merge(other);
  }

  getRawAttributes(): ReturnType<Resource['getRawAttributes']> {
    this.#read = true;
    return this.#current.getRawAttributes();
  }
}
