import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { TokenDenyList } from './deny-list.js';

export type Role = 'customer' | 'admin';

export interface Principal {
  userId: number;
  role: Role;
}

/** A principal as read from a verified token, with what logout needs to revoke it. */
export interface TokenPrincipal extends Principal {
  /** The token's `jti`. */
  tokenId: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

// Pinned on both sides: a token signed with another algorithm, issuer or audience is rejected.
export const JWT_ALG = 'HS256';
export const JWT_ISSUER = 'perflab-target-app';
export const JWT_AUDIENCE = 'perflab-api';
export const TOKEN_TTL_SECONDS = 15 * 60;

/** `sub` is a user id written one way only: a positive int4 in decimal, no sign, zero, space or exponent. */
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;
const INT4_MAX = 2_147_483_647;
const TOKEN_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface TokenService {
  sign(principal: Principal): Promise<string>;
  /** Returns the principal, or undefined for any invalid, expired, revoked or tampered token. */
  verify(token: string): Promise<TokenPrincipal | undefined>;
}

export function createTokenService(
  secret: string,
  now: () => number = Date.now,
  denyList?: TokenDenyList,
): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async sign({ userId, role }) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ role })
        .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_TTL_SECONDS)
        .sign(key);
    },
    async verify(token) {
      let principal: TokenPrincipal;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [JWT_ALG],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          // Without a jti a token could not be revoked, so it is not accepted.
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
          currentDate: new Date(now()),
        });
        const { sub, role, jti, exp } = payload;
        if (typeof sub !== 'string' || !CANONICAL_ID.test(sub) || Number(sub) > INT4_MAX) return undefined;
        if (role !== 'customer' && role !== 'admin') return undefined;
        if (typeof jti !== 'string' || !TOKEN_ID.test(jti) || typeof exp !== 'number') return undefined;
        principal = { userId: Number(sub), role, tokenId: jti, expiresAt: exp };
      } catch {
        return undefined;
      }
      // Outside the try: a deny list that cannot answer (Redis down) is a 500, never a pass.
      if (denyList && (await denyList.isDenied(principal.tokenId))) return undefined;
      return principal;
    },
  };
}
