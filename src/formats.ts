// The value formats the API insists on, checked the same way wherever we check
// them before sending: tool arguments, CSV rows, custom field values.

/** An E.164 phone number: +, country code, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** A real calendar date written YYYY-MM-DD (1990-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
