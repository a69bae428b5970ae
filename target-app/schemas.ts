import { z } from 'zod';
import { FLAG_NAMES } from './flags/names.js';

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;

const id = z.coerce.number().int().positive().max(2_147_483_647);
const limit = z.coerce.number().int().min(1).max(LIMIT_MAX).default(LIMIT_DEFAULT);
const cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by the API');
// PostgreSQL text cannot hold NUL (it would be a 500), and no name or search
// needs control characters; tab and newlines stay allowed for descriptions.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const text = () => z.string().regex(NO_CONTROL_CHARS, 'must not contain control characters');

const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
// OWASP: at least 8, allow long passphrases, but cap what the hash function has to chew.
const password = z.string().min(8).max(128);

export const RegisterBody = z.strictObject({ email, password, name: text().trim().min(1).max(100) });
export const LoginBody = z.strictObject({ email, password: z.string().min(1).max(128) });
export const IdParams = z.strictObject({ id });
export const ProductListQuery = z.strictObject({
  q: text().trim().max(100).optional(),
  limit,
  cursor: cursor.optional(),
});
export const OrderListQuery = z.strictObject({ limit, cursor: cursor.optional() });
export const CreateOrderBody = z.strictObject({
  items: z
    .array(z.strictObject({ productId: id, quantity: z.number().int().positive().max(1_000) }))
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, {
      message: 'each product may appear only once',
    }),
});
export const EmptyQuery = z.strictObject({});

const productName = text().trim().min(1).max(200);
const description = text().trim().max(2_000);
const priceCents = z.number().int().min(0).max(100_000_000);
const stock = z.number().int().min(0).max(1_000_000);

/** Admin writes. Strict objects: an `id`, `archivedAt` or anything else unknown is a 400. */
export const CreateProductBody = z.strictObject({
  name: productName,
  description: description.default(''),
  priceCents,
  stock: stock.default(0),
});
export const UpdateProductBody = z
  .strictObject({
    name: productName.optional(),
    description: description.optional(),
    priceCents: priceCents.optional(),
    stock: stock.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'give at least one field' });

/** PUT /api/admin/flags: known flag names only, each true or false. */
export const FlagsBody = z
  .strictObject(Object.fromEntries(FLAG_NAMES.map((f) => [f, z.boolean().optional()])))
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one flag' });
