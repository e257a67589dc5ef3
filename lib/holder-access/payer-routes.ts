// The pages a pay-link / guest session may open: its policy's pay page and the pages of a payment
// (M-Pesa wait, card return, success with the receipt). No database here: the proxy imports it.
// Which payment is whose is checked again in the data layer (getPayment with the scope).
import type { PayScope } from '@/lib/viewer';

const PAYMENT_PAGE = /^\/pay\/(mpesa|card|success)\/[0-9a-f-]{36}\/?$/i;

export function payerMayOpen(path: string, scope: PayScope | undefined, now = Date.now()): boolean {
  if (!scope || scope.until <= now) return false;
  if (path === `/pay/${scope.policyId}` || path === `/pay/${scope.policyId}/`) return true;
  return PAYMENT_PAGE.test(path);
}

/** Public pages under /pay: guest pay (policy number + phone, then the code). */
export function isPublicPayPath(path: string) {
  return path === '/pay' || path === '/pay/';
}
