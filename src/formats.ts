// The value formats the API insists on, checked the same way wherever we check
// them before sending: tool arguments, CSV rows, custom field values.

/** An E.164 phone number: +, country code, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Years a date field takes: a birthday or a renewal date outside them is a typo, not a date. */
export const DATE_YEARS = { min: 1900, max: 2100 } as const;

/** The rule as told to the model. */
export const DATE_RULE = `a real date as YYYY-MM-DD from ${DATE_YEARS.min} to ${DATE_YEARS.max}, e.g. 1990-05-12`;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * What is wrong with a date field value, or undefined when it is a real
 * calendar date written YYYY-MM-DD within DATE_YEARS. Says which part is wrong:
 * the format, the month, the year or the day ("1985-02-30": February 1985 has 28 days).
 */
export function dateProblem(value: string): string | undefined {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!parts) return "is not written YYYY-MM-DD";
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  const monthName = MONTHS[month - 1];
  if (!monthName) return `has no month ${month}`;
  if (year < DATE_YEARS.min || year > DATE_YEARS.max) return `is outside ${DATE_YEARS.min}–${DATE_YEARS.max}`;
  // Day 0 of the next month is the last day of this one.
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `does not exist: ${monthName} ${year} has ${days} days`;
  return undefined;
}

/** A date field value we accept: real, YYYY-MM-DD, within DATE_YEARS (1990-02-30 and 0000-01-01 are not). */
export function isIsoDate(value: string): boolean {
  return dateProblem(value) === undefined;
}
