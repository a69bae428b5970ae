/** The configurations bench:probes-micro compares (see bench/probes-micro.ts). */
export const MICRO_CONFIGS = ['bare', 'metrics', 'spans', 'full', 'full-json'] as const;
export type MicroConfig = (typeof MICRO_CONFIGS)[number];
