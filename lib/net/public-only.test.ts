import { describe, expect, test } from 'vitest';
import { checkEndpointUrl } from '@/lib/integration/endpoints';
import { isNonPublicHost, isPublicAddress, publicOnlyFetch, publicOnlyLookup } from './public-only';

const live = { PAYSTACK_SECRET_KEY: 'sk_live_x', MPESA_CONSUMER_KEY: 'k', MPESA_CONSUMER_SECRET: 's' } as unknown as NodeJS.ProcessEnv;

describe('public addresses only', () => {
  test('private, loopback, link-local, CGNAT, multicast and mapped forms are not public', () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '172.20.0.1', '192.168.1.10', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', 'not-an-ip']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['41.90.64.10', '196.201.214.200', '8.8.8.8', '2001:4860:4860::8888', '::ffff:41.90.64.10']) expect(isPublicAddress(ip), ip).toBe(true);
  });

  test('host names: localhost and inward IP literals are refused, names are judged at connect time', () => {
    expect(isNonPublicHost('localhost')).toBe(true);
    expect(isNonPublicHost('[::1]')).toBe(true);
    expect(isNonPublicHost('10.0.0.5')).toBe(true);
    expect(isNonPublicHost('core.example.co.ke')).toBe(false);
    expect(isNonPublicHost('41.90.64.10')).toBe(false);
  });

  test('a name that resolves inward is refused at lookup', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));
    expect(err?.code).toBe('ENOTPUBLIC');
  });

  test('the guarded fetch never connects to this machine', async () => {
    await expect(publicOnlyFetch('https://127.0.0.1:9/x', { method: 'POST' })).rejects.toThrow(/not a public address/);
    await expect(publicOnlyFetch('https://localhost:9/x', { method: 'POST' })).rejects.toThrow(/not a public address/);
  });

  test('in production an endpoint on this network cannot be registered', () => {
    expect(checkEndpointUrl('https://10.0.0.5/hook', live)).toMatchObject({ ok: false, error: expect.stringMatching(/public address/) });
    expect(checkEndpointUrl('https://169.254.169.254/latest/meta-data', live)).toMatchObject({ ok: false });
    expect(checkEndpointUrl('https://localhost/hook', live)).toMatchObject({ ok: false });
    expect(checkEndpointUrl('https://core.example.co.ke/hook', live)).toMatchObject({ ok: true });
  });
});
