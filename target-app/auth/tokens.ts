import { SignJWT, jwtVerify } from 'jose';

export type Role = 'customer' | 'admin';

export interface Principal {
  userId: number;
  role: Role;
}

// Pinned on both sides: a token signed with another algorithm, issuer or audience is rejected.
export const JWT_ALG = 'HS256';
export const JWT_ISSUER = 'perflab-target-app';
export const JWT_AUDIENCE = 'perflab-api';
export const TOKEN_TTL_SECONDS = 15 * 60;

export interface TokenService {
  sign(principal: Principal): Promise<string>;
  /** Returns the principal, or undefined for any invalid, expired or tampered token. */
  verify(token: string): Promise<Principal | undefined>;
}

export function createTokenService(secret: string, now: () => number = Date.now): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async sign({ userId, role }) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ role })
        .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_TTL_SECONDS)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [JWT_ALG],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: new Date(now()),
        });
        const userId = Number(payload.sub);
        const role = payload.role;
        if (!Number.isSafeInteger(userId) || userId <= 0) return undefined;
        if (role !== 'customer' && role !== 'admin') return undefined;
        return { userId, role };
      } catch {
        return undefined;
      }
    },
  };
}
