import { expect, test } from 'vitest';
import { maskPolicyNumber } from './data';

test.each([
  ['MLP-MOT-240117', 'MLP-MOT-••••17'],
  ['MLP-AFY-240342', 'MLP-AFY-••••42'],
  ['POL123456', '•••••••56'],
  ['A-12', 'A-••'],
])('maskPolicyNumber(%s) = %s', (input, masked) => {
  expect(maskPolicyNumber(input)).toBe(masked);
});
