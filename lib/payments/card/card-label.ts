/** "Visa •••• 4081" */
export function cardLabel(brand: string | null, last4: string | null) {
  const name = (brand ?? 'card').trim();
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} •••• ${last4 ?? '????'}`;
}
