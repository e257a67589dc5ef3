// Demo data: who can sign in and what they owe. Runs on first start of an empty database in the
// sandbox (no gateway credentials) and via `npm run db:seed`; never with real gateway credentials
// (lib/server/prepare-database.ts). README lists these accounts.
import { addDays, todayInNairobi } from '@/lib/nairobi-time';
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { agents, installments, ledgerEntries, policies, products, users } from './schema';
import { hashPassword } from '@/lib/auth/password';

export const DEMO_USERS = {
  holder: { email: 'wanjiku@example.com', password: 'malipo-demo', name: 'Wanjiku Kamau', phone: '254712345678', role: 'policyholder' },
  other: { email: 'otieno@example.com', password: 'malipo-demo', name: 'Otieno Odhiambo', phone: '254722000111', role: 'policyholder' },
  // One staff account per role. The finance one keeps the old demo staff login.
  staff: { email: 'staff@malipo.test', password: 'malipo-staff', name: 'Amina Finance', phone: null, role: 'finance' },
  finance2: { email: 'finance2@malipo.test', password: 'malipo-staff', name: 'Brian Finance', phone: null, role: 'finance' },
  support: { email: 'support@malipo.test', password: 'malipo-staff', name: 'Chebet Support', phone: null, role: 'support' },
  admin: { email: 'admin@malipo.test', password: 'malipo-admin', name: 'Daudi Admin', phone: null, role: 'admin' },
} as const;

function isoDay(offsetDays: number, from = new Date()) {
  return addDays(todayInNairobi(from), offsetDays);
}

type PlanInput = { number: string; product: string; installmentMinor: number; dueOffsets: number[]; commissionBps?: number };

/**
 * A holder as a book import leaves them (issue 16): the insurer's phone and national ID, no
 * password, not yet claimed. They get in by claiming the account with a code sent to that phone.
 */
export const DEMO_IMPORTED = {
  email: 'adhiambo@example.com',
  name: 'Adhiambo Auma',
  phone: '254711000333',
  nationalId: '28765432',
  policies: [
    { number: 'MLP-EDU-250101', product: 'Education Savings Plan', installmentMinor: 450_000, dueOffsets: [33, 63, 93] },
    { number: 'MLP-LIF-250102', product: 'Term Life Cover', installmentMinor: 180_000, dueOffsets: [45, 75] },
  ] satisfies PlanInput[],
} as const;

/** No password can match this (verifyPassword accepts only scrypt$... hashes). */
export const NO_PASSWORD = '!imported-no-password';

export const DEMO_AGENT = { name: 'Baraka Mwangi (agent)', email: 'baraka.agent@example.com', phone: '254733000222' };

const PLANS: Record<'holder' | 'other' | 'imported', readonly PlanInput[]> = {
  holder: [
    // One installment overdue, then quarterly.
    { number: 'MLP-MOT-240117', product: 'Motor Comprehensive', installmentMinor: 1_200_000, dueOffsets: [-20, 70, 160, 250], commissionBps: 1000 },
    // One due soon, then monthly.
    { number: 'MLP-AFY-240342', product: 'Afya Family Health Cover', installmentMinor: 350_000, dueOffsets: [5, 35, 65, 95, 125, 155] },
    { number: 'MLP-HOM-240508', product: 'Home & Contents', installmentMinor: 600_000, dueOffsets: [40] },
  ],
  other: [{ number: 'MLP-MOT-240999', product: 'Motor Third Party', installmentMinor: 250_000, dueOffsets: [-3, 27, 57, 87] }],
  imported: DEMO_IMPORTED.policies,
};

export async function seed(db: Db, now = new Date()) {
  await db.transaction(async (tx) => {
    // Two instances starting on an empty database: one seeds, the other then finds users.
    await tx.execute(sql`select pg_advisory_xact_lock(72007002)`);
    const existing = await tx.select({ id: users.id }).from(users).limit(1);
    if (existing.length) return;
    const created: Record<string, string> = {};
    for (const [key, u] of Object.entries(DEMO_USERS)) {
      const [row] = await tx
        .insert(users)
        .values({
          email: u.email,
          name: u.name,
          phone: u.phone,
          role: u.role,
          passwordHash: await hashPassword(u.password),
        })
        .returning({ id: users.id });
      created[key] = row.id;
    }
    const [imported] = await tx
      .insert(users)
      .values({ email: DEMO_IMPORTED.email, name: DEMO_IMPORTED.name, phone: DEMO_IMPORTED.phone, nationalId: DEMO_IMPORTED.nationalId, role: 'policyholder', passwordHash: NO_PASSWORD })
      .returning({ id: users.id });
    created.imported = imported.id;
    const [agent] = await tx.insert(agents).values(DEMO_AGENT).returning({ id: agents.id });
    // Every demo product is general business (cash and carry: no grace period).
    const productRows = await tx
      .insert(products)
      .values([...new Set(Object.values(PLANS).flat().map((p) => p.product))].map((name) => ({ name, class: 'general' as const })))
      .returning();
    const productId = new Map(productRows.map((p) => [p.name, p.id]));
    for (const who of ['holder', 'other', 'imported'] as const) {
      for (const plan of PLANS[who]) {
        const [policy] = await tx
          .insert(policies)
          .values({
            number: plan.number,
            product: plan.product,
            productId: productId.get(plan.product),
            holderId: created[who],
            premiumMinor: plan.installmentMinor * plan.dueOffsets.length,
            ...(plan.commissionBps ? { agentId: agent.id, commissionBps: plan.commissionBps } : {}),
          })
          .returning();
        const rows = await tx
          .insert(installments)
          .values(plan.dueOffsets.map((d, i) => ({ policyId: policy.id, seq: i + 1, dueDate: isoDay(d, now), amountMinor: plan.installmentMinor })))
          .returning();
        await tx.insert(ledgerEntries).values(
          rows.map((inst) => ({
            policyId: policy.id,
            userId: created[who],
            installmentId: inst.id,
            kind: 'premium_charged' as const,
            amountMinor: inst.amountMinor,
            memo: `Premium installment ${inst.seq} of ${rows.length}, due ${inst.dueDate}`,
          })),
        );
      }
    }
  });
}

export async function seedIfEmpty(db: Db) {
  const existing = await db.select({ id: users.id }).from(users).limit(1);
  if (!existing.length) await seed(db);
}
