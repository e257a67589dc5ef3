// Dates for people in Kenya: always shown in Nairobi time, whatever the server's zone.
const dateFmt = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', day: 'numeric', month: 'short', year: 'numeric' });
const DATE_TIME: Intl.DateTimeFormatOptions = {
  timeZone: 'Africa/Nairobi',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
};
const dateTimeFmt = new Intl.DateTimeFormat('en-KE', DATE_TIME);
const dateTimeSecondsFmt = new Intl.DateTimeFormat('en-KE', { ...DATE_TIME, second: '2-digit' });

export function formatDate(d: Date | string) {
  return dateFmt.format(typeof d === 'string' ? new Date(`${d}T00:00:00+03:00`) : d);
}

/** "25 Nov 2026, 14:05 EAT"; with `seconds` (timelines, audit) "…14:05:09 EAT". */
export function formatDateTime(d: Date, opts: { seconds?: boolean } = {}) {
  return `${(opts.seconds ? dateTimeSecondsFmt : dateTimeFmt).format(d)} EAT`;
}
