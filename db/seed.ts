// Demo data: who can sign in and what they owe. Runs on first start of an empty database and via
// `npm run db:seed`. README lists these accounts.
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { agents, installments, ledgerEntries, policies, users } from './schema';
import { hashPassword } from '@/lib/auth/password';

export const DEMO_USERS = {
  holder: { email: 'wanjiku@example.com', password: 'malipo-demo', name: 'Wanjiku Kamau', phone: '254712345678' },
  other: { email: 'otieno@example.com', password: 'malipo-demo', name: 'Otieno Odhiambo', phone: '254722000111' },
  staff: { email: 'staff@malipo.test', password: 'malipo-staff', name: 'Amina Staff', phone: null },
} as const;

function isoDay(offsetDays: number, from = new Date()) {
  // Calendar days in Nairobi (UTC+3).
  return new Date(from.getTime() + 3 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
}

type PlanInput = { number: string; product: string; installmentMinor: number; dueOffsets: number[]; commissionBps?: number };

/**
 * A holder as a book import leaves them (issue 16): the insurer's phone and national ID, no
 * password, not yet claimed. They get in by claiming the account with a code sent to that phone.
 */
export const DEMO_IMPORTED = {
  email: 'achieng@example.com',
  name: 'Achieng Adhiambo',
  phone: '254711000333',
  nationalId: '28765432',
  policies: [
    { number: 'MLP-EDU-250101', product: 'Elimu Education Plan', installmentMinor: 450_000, dueOffsets: [33, 63, 93] },
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
          role: key === 'staff' ? 'staff' : 'policyholder',
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
    for (const who of ['holder', 'other', 'imported'] as const) {
      for (const plan of PLANS[who]) {
        const [policy] = await tx
          .insert(policies)
          .values({
            number: plan.number,
            product: plan.product,
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
