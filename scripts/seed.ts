// npm run db:seed — seeds the configured database if it has no users yet.
import { openDatabase } from '@/db/client';
import { DEMO_USERS, seed } from '@/db/seed';

async function main() {
  const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  await seed(handle.db);
  await handle.close();
  console.log('Seeded (or already seeded). Sign in with:');
  for (const u of Object.values(DEMO_USERS)) console.log(`  ${u.email} / ${u.password}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
