import { describe, expect, it } from 'vitest';
import { smsConfigFromEnv } from './config';

describe('SMS settings', () => {
  it("uses the emulator by default, Africa's Talking with a key, and refuses the emulator beside real payment gateways", () => {
    expect(smsConfigFromEnv({} as unknown as NodeJS.ProcessEnv, 'http://localhost:3000')).toMatchObject({ sandbox: true, baseUrl: 'http://localhost:3000/api/sandbox/africastalking' });
    expect(() => smsConfigFromEnv({ MPESA_CONSUMER_KEY: 'k', PAYSTACK_SECRET_KEY: 'sk' } as unknown as NodeJS.ProcessEnv, 'https://x.example')).toThrow(/AT_API_KEY/);
    expect(smsConfigFromEnv({ AT_API_KEY: 'key', AT_USERNAME: 'insurer', AT_SENDER_ID: 'MALIPO', AT_API_URL: 'https://api.sandbox.africastalking.com/' } as unknown as NodeJS.ProcessEnv)).toMatchObject({
      sandbox: false,
      baseUrl: 'https://api.sandbox.africastalking.com',
      username: 'insurer',
      senderId: 'MALIPO',
    });
    expect(() => smsConfigFromEnv({ AT_API_KEY: 'key' } as unknown as NodeJS.ProcessEnv)).toThrow(/AT_USERNAME/);
  });
});
