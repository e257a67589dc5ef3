// npm run db:migrate — applies committed migrations (the app also does this at start-up).
import { openDatabase } from '@/db/client';

async function main() {
  const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  await handle.close();
  console.log('Migrations applied.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
