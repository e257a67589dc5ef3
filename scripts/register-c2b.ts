// npm run mpesa:register-c2b — registers the Paybill's C2B confirmation and validation URLs with
// Daraja (lib/paybill/register.ts). Safe to run again. In the sandbox the emulator lives in the app,
// so the app must be running at APP_URL.
import { openDatabase } from '@/db/client';
import { registerC2bUrls } from '@/lib/paybill/register';

async function main() {
  const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined });
  try {
    const result = await registerC2bUrls(handle.db);
    // The URLs' last segment is a secret: shown shortened only.
    const hide = (url?: string) => url?.replace(/[0-9a-f]{40}$/, (s) => `${s.slice(0, 4)}…`);
    console.log(result.message);
    if (result.ok) console.log(`  confirmation: ${hide(result.confirmationUrl)}\n  validation:   ${hide(result.validationUrl)}`);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
