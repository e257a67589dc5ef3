// What a pay-link or guest payer may see of the holder's phone: "0712 •••678".
export function maskedLocalPhone(msisdn: string | null | undefined): string {
  if (!msisdn || !/^254\d{9}$/.test(msisdn)) return '';
  const local = `0${msisdn.slice(3)}`;
  return `${local.slice(0, 4)} •••${local.slice(-3)}`;
}
