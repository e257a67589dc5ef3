// What the Paybill pipeline takes in and says back (lib/paybill/ingest.ts). Free of database
// imports so the C2B adapter and the statement reconciliation can build a PaybillPayment.

/** One M-Pesa transaction paid to our Paybill: from a C2B confirmation or an M-Pesa statement line. */
export type PaybillPayment = {
  /** M-Pesa's TransID: the receipt number. The pipeline is idempotent by it. */
  transId: string;
  transTime: Date;
  amountMinor: number;
  shortCode: string;
  /** BillRefNumber: the account number the payer typed. */
  billRef: string;
  /** FirstName MiddleName LastName as M-Pesa gives them. */
  payerName: string;
  /** Masked or hashed by Safaricom: kept for staff, never used to match. */
  msisdn: string | null;
  source: 'c2b_confirmation' | 'statement';
  gatewayEventId?: number | string;
};

export type IngestOutcome =
  /** Matched to a policy and completed as a normal payment (receipt, ledger, email). */
  | { outcome: 'credited'; receiptId: string; paymentId: string; policyId: string; matchedBy: string }
  /** The same money as an STK payment we already hold (by receipt, or completed by STK Query). */
  | { outcome: 'attached_to_stk'; receiptId: string; paymentId: string }
  /** No policy could be chosen: waits for staff on /staff/unallocated, with any candidates. */
  | { outcome: 'unallocated'; receiptId: string; reason: string; candidates: { policyId: string; number: string; why: string }[] }
  /** This transaction id was seen before: nothing changed. */
  | { outcome: 'duplicate'; receiptId: string; status: string; paymentId: string | null }
  /** Something does not add up (ambiguous STK overlap, foreign shortcode, held source): staff decide. */
  | { outcome: 'review'; receiptId: string; reason: string };
