// Runs once per server process. Node-only start-up lives in lib/server/start.ts, imported only on
// the Node runtime because this file is also compiled for Edge.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./lib/server/start');
    await startServer();
  }
}
