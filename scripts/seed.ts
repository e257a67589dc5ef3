// npm run db:seed — seeds the configured database if it has no users yet.
import { openDatabase } from '@/db/client';
import { DEMO_USERS, seed } from '@/db/seed';
import { liveMode } from '@/lib/env';

async function main() {
  if (liveMode()) {
    console.error('Refusing to seed demo accounts: real gateway credentials are configured (their passwords are public).');
    process.exit(1);
  }
  const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  await seed(handle.db);
  await handle.close();
  console.log('Seeded (or already seeded). Sign in with:');
  for (const u of Object.values(DEMO_USERS)) console.log(`  ${u.email} / ${u.password} (${u.role})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
