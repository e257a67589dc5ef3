// Dates for people in Kenya: always shown in Nairobi time, whatever the server's zone.
const dateFmt = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-KE', {
  timeZone: 'Africa/Nairobi',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function formatDate(d: Date | string) {
  return dateFmt.format(typeof d === 'string' ? new Date(`${d}T00:00:00+03:00`) : d);
}

export function formatDateTime(d: Date) {
  return `${dateTimeFmt.format(d)} EAT`;
}
