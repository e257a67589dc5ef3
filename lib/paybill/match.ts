// Which policy a Paybill account number (BillRefNumber) means. Pure: the candidates come from
// policy-lookup.ts, the decision is made here. Holders type the account by hand on a SIM menu, so:
//  1. exact, after dropping case, spaces, dashes and slashes;
//  2. the STK form: our STK AccountReference is the policy number's last 12 letters and digits
//     (stkAccountReference), and holders copy it from the prompt's SMS;
//  3. the usual confusions, O for 0 and I for 1;
//  4. one edit away (a wrong, missing, extra or swapped character): credited only when the payer's
//     name matches the holder's, otherwise staff choose among the candidates.
// Never by MSISDN: Safaricom masks or hashes it.

export const STK_REFERENCE_LENGTH = 12;

/** Letters and digits, upper case: "mlp-edu/250 101" -> "MLPEDU250101". */
export function normaliseRef(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** normaliseRef with O read as 0 and I as 1: the key policies are indexed by (migration 0020). */
export function matchKey(value: string): string {
  return normaliseRef(value).replace(/O/g, '0').replace(/I/g, '1');
}

/** The last 12 characters: what an STK AccountReference keeps of a longer policy number. */
export const stkTail = (key: string) => key.slice(-STK_REFERENCE_LENGTH);

// Keys never contain O or I (matchKey maps them), so neighbours use the other 34 characters.
const KEY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const MAX_KEY_LENGTH = 32;

/** Every key one edit away (substitute, insert, delete, swap neighbours), for the indexed lookup. */
export function neighbourKeys(key: string): string[] {
  if (!key || key.length > MAX_KEY_LENGTH) return [];
  const out = new Set<string>();
  for (let i = 0; i <= key.length; i++) {
    for (const c of KEY_ALPHABET) out.add(key.slice(0, i) + c + key.slice(i));
    if (i < key.length) {
      out.add(key.slice(0, i) + key.slice(i + 1));
      for (const c of KEY_ALPHABET) if (c !== key[i]) out.add(key.slice(0, i) + c + key.slice(i + 1));
    }
    if (i < key.length - 1 && key[i] !== key[i + 1]) out.add(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
  }
  out.delete(key);
  return [...out];
}

/** Damerau-Levenshtein (optimal string alignment) distance, capped: we only ask "is it 1". */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const nameTokens = (name: string) => new Set(name.toUpperCase().split(/[^A-Z]+/).filter((t) => t.length >= 2));

/**
 * The payer (M-Pesa's FirstName/MiddleName/LastName) is the holder: at least two names in common,
 * or every name one of them gives when that is fewer (M-Pesa sometimes sends one name only).
 */
export function namesMatch(payerName: string, holderName: string): boolean {
  const payer = nameTokens(payerName);
  const holder = nameTokens(holderName);
  const shared = [...payer].filter((t) => holder.has(t)).length;
  return shared >= 1 && shared >= Math.min(2, payer.size, holder.size);
}

export type PolicyCandidate = { id: string; number: string; holderName: string; active: boolean };
export type MatchHow = 'exact' | 'truncated' | 'confusion' | 'near_name';
export type CandidateNote = { policyId: string; number: string; why: string };
export type MatchResult = { kind: 'match'; policyId: string; how: MatchHow } | { kind: 'unmatched'; reason: string; candidates: CandidateNote[] };

type Tier = 'exact' | 'truncated' | 'confusion' | 'near';
const TIER_WORDS: Record<Tier, string> = {
  exact: 'same number',
  truncated: 'the last 12 characters (the M-Pesa prompt form)',
  confusion: 'same number with O/0 or I/1 mixed up',
  near: 'one character different',
};

/** How the account relates to one policy number, best first; null when not even one edit away. */
export function tierOf(billRef: string, policyNumber: string): Tier | null {
  const ref = normaliseRef(billRef);
  const num = normaliseRef(policyNumber);
  if (!ref) return null;
  if (ref === num) return 'exact';
  const long = num.length > STK_REFERENCE_LENGTH && ref.length === STK_REFERENCE_LENGTH;
  if (long && stkTail(num) === ref) return 'truncated';
  const key = matchKey(ref);
  const pkey = matchKey(num);
  if (key === pkey || (long && stkTail(pkey) === key)) return 'confusion';
  if (editDistance(key, pkey) === 1 || (long && editDistance(key, stkTail(pkey)) === 1)) return 'near';
  return null;
}

const TIERS: Tier[] = ['exact', 'truncated', 'confusion', 'near'];

/** The policy an account number means, or why none can be chosen (with the candidates for staff). */
export function matchBillRef(billRef: string, payerName: string, policies: PolicyCandidate[]): MatchResult {
  if (!normaliseRef(billRef)) return { kind: 'unmatched', reason: 'The payer gave no account number.', candidates: [] };
  const graded = policies.map((p) => ({ p, tier: tierOf(billRef, p.number) })).filter((g) => g.tier !== null);
  const note = (p: PolicyCandidate, tier: Tier, extra = ''): CandidateNote => ({ policyId: p.id, number: p.number, why: `${TIER_WORDS[tier]}${extra}` });
  for (const tier of TIERS) {
    const hits = graded.filter((g) => g.tier === tier).map((g) => g.p);
    if (hits.length === 0) continue;
    const active = hits.filter((p) => p.active);
    const notes = hits.map((p) => note(p, tier, p.active ? '' : '; not active'));
    if (active.length === 0) return { kind: 'unmatched', reason: `The account matches ${hits.map((p) => p.number).join(', ')}, which is not active.`, candidates: notes };
    if (tier !== 'near') {
      if (active.length === 1) return { kind: 'match', policyId: active[0].id, how: tier };
      return { kind: 'unmatched', reason: `The account matches ${active.length} policies.`, candidates: notes };
    }
    const named = active.filter((p) => namesMatch(payerName, p.holderName));
    if (named.length === 1) return { kind: 'match', policyId: named[0].id, how: 'near_name' };
    const nameNotes = hits.map((p) => note(p, tier, !p.active ? '; not active' : namesMatch(payerName, p.holderName) ? '; payer name matches' : '; payer name does not match the holder'));
    return {
      kind: 'unmatched',
      reason: named.length > 1 ? 'The account is one character away from several policies of payers with this name.' : 'The account is one character away from a policy, but the payer name does not match its holder.',
      candidates: nameNotes,
    };
  }
  return { kind: 'unmatched', reason: 'The account number matches no policy.', candidates: [] };
}

/** For Daraja's validation: does the account come close enough to an active policy to take the money? */
export function accountCouldMatch(billRef: string, policies: PolicyCandidate[]): boolean {
  return policies.some((p) => p.active && tierOf(billRef, p.number) !== null);
}
