import { z } from 'zod';

/**
 * The shapes responses leave the API in. They document the API in
 * /api/openapi.json, and the property-level attack test checks real responses
 * against them strictly: a field not listed here (a hash, a role the caller
 * should not see) fails it.
 */

export const ErrorResponse = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    requestId: z.string().optional(),
  }),
});

export const UserResponse = z.strictObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['customer', 'admin']),
  createdAt: z.string(),
});

export const TokenResponse = z.strictObject({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

/** The one answer to a registration, whether or not the email already had an account. */
export const RegistrationAccepted = z.strictObject({
  status: z.literal('accepted'),
  message: z.string(),
});

export const ProductResponse = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  stock: z.number().int(),
});

/** A product in a listing: everything but the description, which only the product itself answers. */
export const ProductSummaryResponse = ProductResponse.omit({ description: true });

export const ProductPage = z.strictObject({
  items: z.array(ProductSummaryResponse),
  nextCursor: z.string().nullable(),
});

export const OrderResponse = z.strictObject({
  id: z.number().int(),
  status: z.string(),
  totalCents: z.number().int(),
  createdAt: z.string(),
  user: z.strictObject({ id: z.number().int(), name: z.string(), email: z.string() }),
  items: z.array(
    z.strictObject({
      productId: z.number().int(),
      name: z.string(),
      unitPriceCents: z.number().int(),
      quantity: z.number().int(),
      lineTotalCents: z.number().int(),
    }),
  ),
});

export const OrderPage = z.strictObject({
  items: z.array(OrderResponse),
  nextCursor: z.string().nullable(),
});

export const HealthResponse = z.strictObject({ status: z.literal('ok') });
export const ReadyResponse = z.strictObject({
  status: z.enum(['ready', 'unavailable']),
  db: z.enum(['postgres', 'pglite']),
});

/** The OpenAPI document itself is described loosely: it is generated, not hand-written. */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.unknown()),
});

export const InfoResponse = z.strictObject({
  name: z.string(),
  version: z.string(),
  db: z.enum(['postgres', 'pglite']),
  /** Only when the operator sets PERFLAB_INFO_RUNTIME=true: the runtime version helps an attacker more than a visitor. */
  node: z.string().optional(),
  flags: z.record(z.string(), z.boolean()),
});

/** Every optimization-lab flag and whether it is on (the anti-pattern) or off (optimized). */
export const FlagsResponse = z.strictObject({ flags: z.record(z.string(), z.boolean()) });

export const UserSummaryResponse = z.strictObject({
  orderCount: z.number().int(),
  totalSpentCents: z.number().int(),
  lastOrders: z.array(OrderResponse),
  recommended: z.array(ProductSummaryResponse),
});

export const SalesReportResponse = z.strictObject({
  days: z.array(
    z.strictObject({ day: z.string(), orders: z.number().int(), revenueCents: z.number().int() }),
  ),
});
