import compression from 'compression';
import type { RequestHandler } from 'express';
import { FLAG } from '../flags/names.js';
import type { FlagReader } from '../flags/types.js';

/** Bodies smaller than this gain less from gzip than the CPU and header bytes cost. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * gzip/deflate/br for clients that accept it, over 1 kB.
 * no_compression on: every response goes out as it is.
 */
export function labCompression(flags: FlagReader): RequestHandler {
  const compress = compression({ threshold: COMPRESSION_THRESHOLD_BYTES });
  return (req, res, next) => {
    if (flags.isOn(FLAG.NO_COMPRESSION)) next();
    else compress(req, res, next);
  };
}
