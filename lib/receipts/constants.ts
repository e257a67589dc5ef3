/** The insurer named on every receipt and email. */
export const INSURER_NAME = 'Malipo Insurance';
export const INSURER_TAGLINE = 'Insurance premiums, paid by M-Pesa and card';
