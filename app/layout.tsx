import type { Metadata, Viewport } from 'next';
import './globals.css';
import { SiteHeader } from '@/components/site-header';

export const metadata: Metadata = {
  title: { default: 'Malipo', template: '%s · Malipo' },
  description: 'Pay your insurance premiums by M-Pesa or card.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0a8f4a' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en-KE">
      <body className="min-h-dvh">
        <SiteHeader />
        <main className="mx-auto w-full max-w-3xl px-4 pb-16 pt-4">{children}</main>
      </body>
    </html>
  );
}
