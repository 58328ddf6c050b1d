import { customerTimeZoneFor, isValidTimeZone, timeZoneForCountry, timeZoneForPlace } from '../../backend/src/retryPolicy';

/** ISO 3166-1 alpha-2, all 249 officially assigned codes. */
const ISO_COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR ' +
  'CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID ' +
  'IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
  'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ ' +
  'SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

describe('the customer’s zone from their address', () => {
  it('knows a zone of its own for every ISO 3166 country, never the fallback', () => {
    expect(ISO_COUNTRIES).toHaveLength(249);
    for (const country of ISO_COUNTRIES) {
      const zone = timeZoneForCountry(country, 'Fallback/None');
      expect(`${country} ${isValidTimeZone(zone) ? 'has a zone' : `has ${zone}`}`).toBe(`${country} has a zone`);
    }
  });

  it.each([
    ['Colombia, missing from the old table (retried at 04:00 before)', { country: 'CO' }, 'America/Bogota'],
    ['a US customer with no state', { country: 'US' }, 'America/New_York'],
    ['California', { country: 'US', state: 'CA' }, 'America/Los_Angeles'],
    ['Hawaii, by name', { country: 'US', state: 'Hawaii' }, 'Pacific/Honolulu'],
    ['Texas, Dallas', { country: 'US', state: 'TX', postalCode: '75201' }, 'America/Chicago'],
    ['Texas, El Paso (ZIP 799)', { country: 'US', state: 'TX', postalCode: '79901' }, 'America/Denver'],
    ['Florida panhandle (ZIP 325)', { country: 'US', state: 'FL', postalCode: '32501' }, 'America/Chicago'],
    ['a US ZIP without a state', { country: 'US', postalCode: '94103' }, 'America/Los_Angeles'],
    ['Ohio, a state in the main zone', { country: 'US', state: 'OH' }, 'America/New_York'],
    ['British Columbia', { country: 'CA', state: 'BC' }, 'America/Vancouver'],
    ['Québec, with its accent', { country: 'CA', state: 'Québec' }, 'America/Toronto'],
    ['Western Australia', { country: 'AU', state: 'WA' }, 'Australia/Perth'],
    ['Broken Hill, NSW (postcode 2880)', { country: 'AU', state: 'NSW', postalCode: '2880' }, 'Australia/Broken_Hill'],
    ['Amazonas', { country: 'BR', state: 'AM' }, 'America/Manaus'],
    ['Baja California', { country: 'MX', state: 'BC' }, 'America/Tijuana'],
    ['Novosibirsk (ISO 3166-2 with prefix)', { country: 'RU', state: 'RU-NVS' }, 'Asia/Novosibirsk'],
    ['Bali', { country: 'ID', state: 'BA' }, 'Asia/Makassar'],
    ['Tokyo', { country: 'jp', state: '13' }, 'Asia/Tokyo'],
  ])('%s', (_name, place, zone) => {
    expect(timeZoneForPlace(place, 'Europe/Paris')).toBe(zone);
  });

  it('falls back to the merchant’s zone without a usable country', () => {
    expect(timeZoneForPlace({ country: null }, 'Europe/Paris')).toBe('Europe/Paris');
    expect(timeZoneForPlace({ country: 'Narnia' }, 'Europe/Paris')).toBe('Europe/Paris');
    expect(customerTimeZoneFor({ customerTimeZone: null, customerCountry: null }, 'America/Chicago')).toBe('America/Chicago');
  });

  it('plans in the zone stored on the case before the country’s main zone', () => {
    expect(customerTimeZoneFor({ customerTimeZone: 'America/Los_Angeles', customerCountry: 'US' }, 'UTC')).toBe('America/Los_Angeles');
  });
});
