/**
 * Time zones of the regions of countries that span several zones, keyed by the
 * state or province as Stripe addresses carry it (ISO 3166-2 code or name),
 * with postal-code refinements where a state itself is split. Zone names are
 * IANA; the tz database's zone.tab comments name the regions each zone covers.
 */

/** The zone most of a multi-zone country's people live in: used when the region is unknown. */
export const MAIN_ZONE: Record<string, string> = {
  AQ: 'Pacific/Auckland', AR: 'America/Argentina/Buenos_Aires', AU: 'Australia/Sydney', BR: 'America/Sao_Paulo', CA: 'America/Toronto',
  CD: 'Africa/Kinshasa', CL: 'America/Santiago', CN: 'Asia/Shanghai', CY: 'Asia/Nicosia', DE: 'Europe/Berlin', EC: 'America/Guayaquil',
  ES: 'Europe/Madrid', FM: 'Pacific/Pohnpei', GL: 'America/Nuuk', ID: 'Asia/Jakarta', KI: 'Pacific/Tarawa', KZ: 'Asia/Almaty',
  MH: 'Pacific/Majuro', MN: 'Asia/Ulaanbaatar', MX: 'America/Mexico_City', MY: 'Asia/Kuala_Lumpur', NZ: 'Pacific/Auckland',
  PF: 'Pacific/Tahiti', PG: 'Pacific/Port_Moresby', PS: 'Asia/Hebron', PT: 'Europe/Lisbon', RU: 'Europe/Moscow', TF: 'Indian/Kerguelen',
  UA: 'Europe/Kyiv', UM: 'Pacific/Wake', US: 'America/New_York', UZ: 'Asia/Tashkent', VN: 'Asia/Ho_Chi_Minh',
  // Uninhabited islands the tz database gives no zone: Bouvet (Norwegian), Heard and McDonald (Australian, near Kerguelen).
  BV: 'Europe/Oslo',
  HM: 'Indian/Kerguelen',
};

/** Zone → the region codes and names (upper case, no accents) it covers; a country's other regions take its main zone. */
const REGIONS: Record<string, Record<string, string[]>> = {
  US: {
    'America/Chicago': ['AL', 'ALABAMA', 'AR', 'ARKANSAS', 'IL', 'ILLINOIS', 'IA', 'IOWA', 'KS', 'KANSAS', 'LA', 'LOUISIANA', 'MN', 'MINNESOTA', 'MS', 'MISSISSIPPI', 'MO', 'MISSOURI', 'NE', 'NEBRASKA', 'ND', 'NORTH DAKOTA', 'OK', 'OKLAHOMA', 'SD', 'SOUTH DAKOTA', 'TN', 'TENNESSEE', 'TX', 'TEXAS', 'WI', 'WISCONSIN'],
    'America/Denver': ['CO', 'COLORADO', 'MT', 'MONTANA', 'NM', 'NEW MEXICO', 'UT', 'UTAH', 'WY', 'WYOMING'],
    'America/Boise': ['ID', 'IDAHO'],
    'America/Phoenix': ['AZ', 'ARIZONA'],
    'America/Los_Angeles': ['CA', 'CALIFORNIA', 'NV', 'NEVADA', 'OR', 'OREGON', 'WA', 'WASHINGTON'],
    'America/Anchorage': ['AK', 'ALASKA'],
    'Pacific/Honolulu': ['HI', 'HAWAII'],
    'America/Indiana/Indianapolis': ['IN', 'INDIANA'],
    'America/Puerto_Rico': ['PR', 'PUERTO RICO', 'VI'],
    'Pacific/Guam': ['GU', 'GUAM', 'MP'],
    'Pacific/Pago_Pago': ['AS', 'AMERICAN SAMOA'],
  },
  CA: {
    'America/Vancouver': ['BC', 'BRITISH COLUMBIA'],
    'America/Edmonton': ['AB', 'ALBERTA', 'NT', 'NORTHWEST TERRITORIES'],
    'America/Regina': ['SK', 'SASKATCHEWAN'],
    'America/Winnipeg': ['MB', 'MANITOBA'],
    'America/Moncton': ['NB', 'NEW BRUNSWICK'],
    'America/Halifax': ['NS', 'NOVA SCOTIA', 'PE', 'PRINCE EDWARD ISLAND'],
    'America/St_Johns': ['NL', 'NEWFOUNDLAND AND LABRADOR', 'NEWFOUNDLAND'],
    'America/Whitehorse': ['YT', 'YUKON'],
    'America/Iqaluit': ['NU', 'NUNAVUT'],
  },
  AU: {
    'Australia/Melbourne': ['VIC', 'VICTORIA'],
    'Australia/Brisbane': ['QLD', 'QUEENSLAND'],
    'Australia/Adelaide': ['SA', 'SOUTH AUSTRALIA'],
    'Australia/Perth': ['WA', 'WESTERN AUSTRALIA'],
    'Australia/Hobart': ['TAS', 'TASMANIA'],
    'Australia/Darwin': ['NT', 'NORTHERN TERRITORY'],
  },
  BR: {
    'America/Rio_Branco': ['AC', 'ACRE'],
    'America/Manaus': ['AM', 'AMAZONAS'],
    'America/Boa_Vista': ['RR', 'RORAIMA'],
    'America/Porto_Velho': ['RO', 'RONDONIA'],
    'America/Cuiaba': ['MT', 'MATO GROSSO'],
    'America/Campo_Grande': ['MS', 'MATO GROSSO DO SUL'],
    'America/Belem': ['PA', 'PARA', 'AP', 'AMAPA'],
    'America/Fortaleza': ['CE', 'CEARA', 'MA', 'MARANHAO', 'PI', 'PIAUI', 'RN', 'RIO GRANDE DO NORTE', 'PB', 'PARAIBA'],
    'America/Recife': ['PE', 'PERNAMBUCO'],
    'America/Noronha': ['FERNANDO DE NORONHA'],
  },
  MX: {
    'America/Tijuana': ['BC', 'BCN', 'BAJA CALIFORNIA'],
    'America/Mazatlan': ['BCS', 'BAJA CALIFORNIA SUR', 'SIN', 'SINALOA', 'NAY', 'NAYARIT'],
    'America/Hermosillo': ['SON', 'SONORA'],
    'America/Chihuahua': ['CHH', 'CHIH', 'CHIHUAHUA'],
    'America/Cancun': ['ROO', 'QROO', 'QUINTANA ROO'],
  },
  RU: {
    'Europe/Kaliningrad': ['KGD', 'KALININGRAD'],
    'Europe/Samara': ['SAM', 'SAMARA', 'UD', 'UDMURTIA'],
    'Asia/Yekaterinburg': ['SVE', 'SVERDLOVSK', 'CHE', 'CHELYABINSK', 'BA', 'BASHKORTOSTAN', 'PER', 'PERM', 'TYU', 'TYUMEN', 'KHM', 'YAN', 'ORE', 'ORENBURG', 'KGN', 'KURGAN'],
    'Asia/Omsk': ['OMS', 'OMSK'],
    'Asia/Novosibirsk': ['NVS', 'NOVOSIBIRSK'],
    'Asia/Tomsk': ['TOM', 'TOMSK'],
    'Asia/Barnaul': ['ALT', 'ALTAI KRAI', 'AL'],
    'Asia/Novokuznetsk': ['KEM', 'KEMEROVO'],
    'Asia/Krasnoyarsk': ['KYA', 'KRASNOYARSK', 'KK', 'KHAKASSIA', 'TY', 'TUVA'],
    'Asia/Irkutsk': ['IRK', 'IRKUTSK', 'BU', 'BURYATIA'],
    'Asia/Chita': ['ZAB', 'ZABAYKALSKY'],
    'Asia/Yakutsk': ['SA', 'SAKHA', 'AMU', 'AMUR'],
    'Asia/Vladivostok': ['PRI', 'PRIMORSKY', 'KHA', 'KHABAROVSK', 'YEV'],
    'Asia/Sakhalin': ['SAK', 'SAKHALIN'],
    'Asia/Magadan': ['MAG', 'MAGADAN'],
    'Asia/Kamchatka': ['KAM', 'KAMCHATKA'],
    'Asia/Anadyr': ['CHU', 'CHUKOTKA'],
  },
  ID: {
    'Asia/Makassar': ['BA', 'BALI', 'NB', 'NUSA TENGGARA BARAT', 'NT', 'NUSA TENGGARA TIMUR', 'KS', 'KALIMANTAN SELATAN', 'KI', 'KALIMANTAN TIMUR', 'KU', 'KALIMANTAN UTARA', 'SN', 'SULAWESI SELATAN', 'SG', 'SULAWESI TENGGARA', 'ST', 'SULAWESI TENGAH', 'SA', 'SULAWESI UTARA', 'SR', 'SULAWESI BARAT', 'GO', 'GORONTALO'],
    'Asia/Jayapura': ['MA', 'MALUKU', 'MU', 'MALUKU UTARA', 'PA', 'PAPUA', 'PB', 'PAPUA BARAT'],
    'Asia/Pontianak': ['KB', 'KALIMANTAN BARAT', 'KT', 'KALIMANTAN TENGAH'],
  },
  NZ: { 'Pacific/Chatham': ['CIT', 'CHATHAM ISLANDS'] },
  ES: { 'Atlantic/Canary': ['CN', 'GC', 'TF', 'CANARIAS', 'CANARY ISLANDS', 'LAS PALMAS', 'SANTA CRUZ DE TENERIFE'] },
  PT: { 'Atlantic/Azores': ['20', 'ACORES', 'AZORES'], 'Atlantic/Madeira': ['30', 'MADEIRA'] },
  EC: { 'Pacific/Galapagos': ['W', 'GALAPAGOS'] },
  CL: { 'Pacific/Easter': ['ISLA DE PASCUA', 'EASTER ISLAND'], 'America/Punta_Arenas': ['MA', 'MAGALLANES'] },
};

const ZONE_BY_REGION: Record<string, Map<string, string>> = Object.fromEntries(
  Object.entries(REGIONS).map(([country, zones]) => [country, new Map(Object.entries(zones).flatMap(([zone, keys]) => keys.map((key) => [key, zone] as const)))]),
);

/** Postal-code prefixes whose zone differs from their state's (US ZIP, AU postcode, CA postal district). */
const POSTAL_ZONES: Record<string, Array<[prefixes: string[], zone: string]>> = {
  US: [
    [['324', '325'], 'America/Chicago'], // Florida panhandle
    [['350', '351', '352', '354', '355', '356', '357', '358', '359', '360', '361', '362', '363', '364', '365', '366', '367', '368', '369', '386', '387', '388', '389', '390', '391', '392', '393', '394', '395', '396', '397'], 'America/Chicago'],
    [['373', '374', '376', '377', '378', '379'], 'America/New_York'], // East Tennessee
    [['420', '421', '422', '423', '424', '425', '426', '427'], 'America/Chicago'], // Western Kentucky
    [['463', '464', '476', '477'], 'America/Chicago'], // Indiana: Gary, Evansville
    [['498', '499'], 'America/Menominee'], // Michigan's Upper Peninsula border
    [['586', '587', '588', '575', '576', '577', '690', '691', '692', '693', '677', '678', '679', '798', '799', '885'], 'America/Denver'],
    [['590', '591', '592', '593', '594', '595', '596', '597', '598', '599'], 'America/Denver'],
    [['835', '838'], 'America/Los_Angeles'], // North Idaho
    [['979'], 'America/Boise'], // Malheur County, Oregon
    [['850', '851', '852', '853', '855', '856', '857', '859', '860', '863', '864', '865'], 'America/Phoenix'],
    [['889', '890', '891', '893', '894', '895', '897', '898'], 'America/Los_Angeles'],
    [['967', '968'], 'Pacific/Honolulu'],
    [['995', '996', '997', '998', '999'], 'America/Anchorage'],
  ],
  AU: [[['2880'], 'Australia/Broken_Hill']],
  CA: [[['P0V', 'P8T', 'P9N'], 'America/Winnipeg'], [['V0B', 'V1C'], 'America/Edmonton']],
};

/** US ZIP codes by first digit, for a US address with a ZIP and no state. */
const US_ZIP_FIRST_DIGIT = ['America/New_York', 'America/New_York', 'America/New_York', 'America/New_York', 'America/New_York', 'America/Chicago', 'America/Chicago', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];

/** "Québec " → "QUEBEC"; "US-CA" → "CA": how regions are compared. */
function normalized(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().trim().replace(/^[A-Z]{2}-/, '').replace(/\s+/g, ' ');
}

/** The zone of a region of `country` from its state or province, then its postal code; null when neither tells. */
export function zoneForRegion(country: string, state: string | null, postalCode: string | null): string | null {
  const postal = postalCode ? postalCode.toUpperCase().replace(/\s+/g, '') : null;
  if (postal) {
    const refined = POSTAL_ZONES[country]?.find(([prefixes]) => prefixes.some((prefix) => postal.startsWith(prefix)));
    if (refined) return refined[1];
  }
  const regions = ZONE_BY_REGION[country];
  if (state && regions) {
    const found = regions.get(normalized(state));
    if (found) return found;
    // A region not listed lies in the country's main zone (New York for Ohio, Sydney for New South Wales).
    return MAIN_ZONE[country] ?? null;
  }
  if (country === 'US' && postal && /^\d/.test(postal)) return US_ZIP_FIRST_DIGIT[Number(postal[0])]!;
  return null;
}
