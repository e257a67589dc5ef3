// npm run staff:create -- --email amina@insurer.co.ke --name "Amina Wanjiru" --role admin
// Creates a staff member with no password and prints a one-time link (48 hours) to set one.
// The documented first step of a production install (README "Going to production").
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/client';
import { createStaffFromCommandLine } from '@/lib/staff/team';

async function main() {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } });
  if (!values.email || !values.name || !values.role) {
    console.error('Usage: npm run staff:create -- --email <email> --name "<full name>" --role admin|finance|support');
    process.exit(2);
  }
  const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  try {
    const r = await createStaffFromCommandLine(handle.db, { email: values.email, name: values.name, role: values.role as 'admin' });
    if (!r.ok) {
      console.error(r.error);
      process.exitCode = 1;
      return;
    }
    console.log(r.message);
    console.log(`Set-password link (send it to them; it works once): ${r.link}`);
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
