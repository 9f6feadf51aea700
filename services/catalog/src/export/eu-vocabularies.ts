import type { DataTheme } from '@accord/rules';

/**
 * IRIs of the controlled vocabularies DCAT-AP 3 asks for: the EU Publications
 * Office authority tables (data themes, frequencies, languages, file types)
 * and IANA media types. Pure lookups, no I/O.
 */
const EU_AUTHORITY = 'http://publications.europa.eu/resource/authority';

export function dataThemeIri(theme: DataTheme): string {
  return `${EU_AUTHORITY}/data-theme/${theme}`;
}

/** Accord's updateFrequency to the EU frequency table (dct:accrualPeriodicity). */
const FREQUENCIES: Readonly<Record<string, string>> = {
  once: 'NEVER',
  yearly: 'ANNUAL',
  quarterly: 'QUARTERLY',
  monthly: 'MONTHLY',
  weekly: 'WEEKLY',
  daily: 'DAILY',
  hourly: 'HOURLY',
  realtime: 'UPDATE_CONT',
};

/** The EU frequency IRI of an update frequency; `UNKNOWN` for a value the rules do not define. */
export function frequencyIri(updateFrequency: string): string {
  return `${EU_AUTHORITY}/frequency/${FREQUENCIES[updateFrequency] ?? 'UNKNOWN'}`;
}

/** ISO 639-1 to the EU language table's codes (ISO 639-3 upper case). */
const LANGUAGES: Readonly<Record<string, string>> = {
  ar: 'ARA',
  bg: 'BUL',
  bs: 'BOS',
  ca: 'CAT',
  cs: 'CES',
  cy: 'CYM',
  da: 'DAN',
  de: 'DEU',
  el: 'ELL',
  en: 'ENG',
  es: 'SPA',
  et: 'EST',
  eu: 'EUS',
  fa: 'FAS',
  fi: 'FIN',
  fr: 'FRA',
  ga: 'GLE',
  gl: 'GLG',
  he: 'HEB',
  hi: 'HIN',
  hr: 'HRV',
  hu: 'HUN',
  id: 'IND',
  is: 'ISL',
  it: 'ITA',
  ja: 'JPN',
  ko: 'KOR',
  lb: 'LTZ',
  lt: 'LIT',
  lv: 'LAV',
  mk: 'MKD',
  ms: 'MSA',
  mt: 'MLT',
  nl: 'NLD',
  no: 'NOR',
  pl: 'POL',
  pt: 'POR',
  ro: 'RON',
  ru: 'RUS',
  sk: 'SLK',
  sl: 'SLV',
  sq: 'SQI',
  sr: 'SRP',
  sv: 'SWE',
  th: 'THA',
  tr: 'TUR',
  uk: 'UKR',
  vi: 'VIE',
  zh: 'ZHO',
};

/**
 * The dct:language IRI of an ISO 639-1 code: the EU language table's entry,
 * or the Library of Congress ISO 639-1 IRI for a code the table above does not map.
 */
export function languageIri(code: string): string {
  const eu = LANGUAGES[code];
  return eu === undefined ? `http://id.loc.gov/vocabulary/iso639-1/${code}` : `${EU_AUTHORITY}/language/${eu}`;
}

/** dct:format: the EU file-type table's code (`CSV`, `JSON`, `MP4`, ...). */
export function fileTypeIri(format: string): string {
  return `${EU_AUTHORITY}/file-type/${format}`;
}

/** dcat:mediaType: the IANA registry entry. */
export function mediaTypeIri(mediaType: string): string {
  return `https://www.iana.org/assignments/media-types/${mediaType}`;
}
