import { describe, expect, it } from 'vitest';
import { stkAccountReference } from '@/lib/payments/mpesa/adapter';
import { accountCouldMatch, editDistance, matchBillRef, matchKey, namesMatch, neighbourKeys, normaliseRef, tierOf, type PolicyCandidate } from './match';

const p = (id: string, number: string, holderName = 'Wanjiku Kamau', active = true): PolicyCandidate => ({ id, number, holderName, active });
const BOOK = [p('edu', 'MLP-EDU-250101'), p('mot', 'MLP-MOT-240117'), p('long', 'KE/LIFE/2024/000123', 'Otieno Odhiambo'), p('old', 'MLP-OLD-230001', 'Wanjiku Kamau', false)];

describe('normalising an account number', () => {
  it('drops case, spaces, dashes and slashes', () => {
    expect(normaliseRef(' mlp-edu/250 101 ')).toBe('MLPEDU250101');
    expect(matchKey('MLP-EDU-25O1OI')).toBe('MLPEDU250101');
  });
  it('reads the STK form the same way the STK push writes it', () => {
    expect(stkAccountReference('KE/LIFE/2024/000123')).toBe('FE2024000123');
  });
});

describe('matchBillRef', () => {
  it('exact after normalising', () => {
    for (const ref of ['MLP-EDU-250101', 'mlp edu 250101', 'MLP/EDU/250101', 'mlpedu250101']) {
      expect(matchBillRef(ref, 'X', BOOK)).toEqual({ kind: 'match', policyId: 'edu', how: 'exact' });
    }
  });
  it('the 12-character STK form of a longer number', () => {
    expect(matchBillRef(stkAccountReference('KE/LIFE/2024/000123'), 'Nobody', BOOK)).toEqual({ kind: 'match', policyId: 'long', how: 'truncated' });
  });
  it('O/0 and I/1 confusions', () => {
    expect(matchBillRef('MLP-EDU-25O1O1', 'X', BOOK)).toEqual({ kind: 'match', policyId: 'edu', how: 'confusion' });
    expect(matchBillRef('MLP-EDU-2501OI', 'X', BOOK)).toEqual({ kind: 'match', policyId: 'edu', how: 'confusion' });
  });
  it('one edit away is credited only when the payer name matches the holder', () => {
    expect(matchBillRef('MLP-EDU-250102', 'WANJIKU KAMAU', BOOK)).toEqual({ kind: 'match', policyId: 'edu', how: 'near_name' });
    expect(matchBillRef('MLPEDU25101', 'WANJIKU  KAMAU', BOOK)).toMatchObject({ kind: 'match', how: 'near_name' }); // a missing digit
    expect(matchBillRef('MLPEDU2501011', 'Wanjiku Kamau', BOOK)).toMatchObject({ kind: 'match', how: 'near_name' }); // an extra digit
    expect(matchBillRef('MLPEDU251001', 'Wanjiku Kamau', BOOK)).toMatchObject({ kind: 'match', how: 'near_name' }); // two swapped
    const other = matchBillRef('MLP-EDU-250102', 'JOHN DOE', BOOK);
    expect(other).toMatchObject({ kind: 'unmatched' });
    expect(other.kind === 'unmatched' && other.candidates).toEqual([{ policyId: 'edu', number: 'MLP-EDU-250101', why: 'one character different; payer name does not match the holder' }]);
  });
  it('two edits away, or unknown, matches nothing', () => {
    expect(matchBillRef('MLP-EDU-259902', 'WANJIKU KAMAU', BOOK)).toEqual({ kind: 'unmatched', reason: 'The account number matches no policy.', candidates: [] });
    expect(matchBillRef('', 'WANJIKU KAMAU', BOOK)).toMatchObject({ kind: 'unmatched', reason: 'The payer gave no account number.' });
  });
  it('an inactive policy is a candidate for staff, never credited', () => {
    expect(matchBillRef('MLP-OLD-230001', 'WANJIKU KAMAU', BOOK)).toMatchObject({ kind: 'unmatched', candidates: [{ policyId: 'old' }] });
  });
  it('ambiguity goes to staff', () => {
    const twins = [p('a', 'AB-1234567890123'), p('b', 'CD-1234567890123')];
    expect(matchBillRef('AB1234567890123'.slice(-12), 'X', twins)).toMatchObject({ kind: 'unmatched', candidates: [{ policyId: 'a' }, { policyId: 'b' }] });
    const near2 = [p('a', 'MLP-1001'), p('b', 'MLP-1003')];
    expect(matchBillRef('MLP-1002', 'Wanjiku Kamau', near2)).toMatchObject({ kind: 'unmatched' });
  });
  it('the better tier wins over a near neighbour', () => {
    const book = [p('a', 'MLP-1001'), p('b', 'MLP-1002', 'Wanjiku Kamau')];
    expect(matchBillRef('MLP-1001', 'Wanjiku Kamau', book)).toEqual({ kind: 'match', policyId: 'a', how: 'exact' });
  });
});

describe('helpers', () => {
  it('names match on two shared names, or all of a one-name payer', () => {
    expect(namesMatch('WANJIKU W KAMAU', 'Wanjiku Kamau')).toBe(true);
    expect(namesMatch('WANJIKU', 'Wanjiku Kamau')).toBe(true);
    expect(namesMatch('WANJIKU ODHIAMBO', 'Wanjiku Kamau')).toBe(false);
    expect(namesMatch('', 'Wanjiku Kamau')).toBe(false);
  });
  it('edit distance counts a swap as one edit', () => {
    expect(editDistance('AB12', 'AB21')).toBe(1);
    expect(editDistance('AB12', 'AB1')).toBe(1);
    expect(editDistance('AB12', 'XB13')).toBe(2);
  });
  it('neighbour keys cover every one-edit key the matcher accepts', () => {
    const key = matchKey('MLP-EDU-250101');
    const n = new Set(neighbourKeys(key));
    for (const typo of ['MLPEDU250102', 'MLPEDU25101', 'MLPEDU2501011', 'MLPEDU251001']) expect(n.has(matchKey(typo))).toBe(true);
    expect(n.has(key)).toBe(false);
    expect([...n].every((k) => tierOf(k, 'MLP-EDU-250101') === 'near')).toBe(true);
  });
  it('validation accepts anything near an active policy and refuses the rest', () => {
    expect(accountCouldMatch('MLP-EDU-250102', BOOK)).toBe(true);
    expect(accountCouldMatch('MLP-OLD-230001', BOOK)).toBe(false);
    expect(accountCouldMatch('NOPE', BOOK)).toBe(false);
  });
});
