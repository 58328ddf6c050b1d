export { SUPPORTED_LOCALES, DEFAULT_LOCALE, acceptedLanguages, chooseLocale, isSupportedLocale, merchantLanguageOf, type Locale } from './locales';
export { translate, templateOf, argumentsOf, CATALOGS, type MessageKey, type MessageValues } from './messages';
export { formatMoney, formatDay, formatFullDate } from './formatting';
