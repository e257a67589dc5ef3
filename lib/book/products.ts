// Products as payment needs them: class and (life only) grace days. Staff edit; imports create.
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '@/db/client';
import { products } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { isUuid } from '@/lib/uuid';
import type { Viewer } from '@/lib/viewer';
import { canManageBook, NOT_ALLOWED } from './access';

export const DEFAULT_LIFE_GRACE_DAYS = 30;

export async function listProducts(db: Queryable, viewer: Viewer) {
  if (!canManageBook(viewer)) return [];
  return db
    .select({
      id: products.id,
      name: products.name,
      class: products.class,
      graceDays: products.graceDays,
      // Spelled out: inside a subquery Drizzle would leave the outer column unqualified.
      policies: sql<number>`(select count(*)::int from policies p where p.product_id = "products"."id")`,
    })
    .from(products)
    .orderBy(asc(products.name));
}

const productInput = z
  .object({
    productId: z.string().refine(isUuid, 'Choose a product.'),
    class: z.enum(['life', 'general'], { error: 'Choose life or general.' }),
    graceDays: z.string().trim(),
  })
  .transform((v, ctx) => {
    if (v.class === 'general') return { ...v, graceDays: null };
    if (v.graceDays === '') return { ...v, graceDays: DEFAULT_LIFE_GRACE_DAYS };
    if (!/^\d{1,3}$/.test(v.graceDays) || Number(v.graceDays) > 365) {
      ctx.addIssue({ code: 'custom', path: ['graceDays'], message: 'Grace days must be a whole number from 0 to 365.' });
      return z.NEVER;
    }
    return { ...v, graceDays: Number(v.graceDays) };
  });

export async function updateProduct(db: Db, viewer: Viewer, input: Record<string, string>) {
  if (!canManageBook(viewer)) return NOT_ALLOWED;
  const parsed = productInput.safeParse(input);
  if (!parsed.success) return { ok: false as const, code: 'invalid' as const, error: parsed.error.issues[0].message };
  const v = parsed.data;
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(products).where(eq(products.id, v.productId)).for('update');
    if (!before) return { ok: false as const, code: 'not_found' as const, error: 'We could not find that product.' };
    if (before.class === v.class && before.graceDays === v.graceDays) return { ok: true as const, message: `${before.name}: nothing to change.` };
    await tx.update(products).set({ class: v.class, graceDays: v.graceDays, updatedAt: new Date() }).where(eq(products.id, v.productId));
    await recordAudit(tx, {
      actorId: viewer.userId,
      action: 'product.update',
      targetType: 'product',
      targetId: v.productId,
      detail: { name: before.name, from: { class: before.class, graceDays: before.graceDays }, to: { class: v.class, graceDays: v.graceDays } },
    });
    const grace = v.class === 'life' ? `, ${v.graceDays} grace days` : ', no grace period';
    return { ok: true as const, message: `Saved: ${before.name} is ${v.class}${grace}.` };
  });
}
