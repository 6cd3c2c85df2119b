import { createHash } from 'node:crypto';
import { DEMO_CREDENTIALS } from './demo-seed.ts';

/** A GUID derived from a name, so the demo data is the same on every run. */
function stableGuid(name: string): string {
  const h = createHash('sha1').update(`zenoti-mock:${name}`).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

const CENTER_SPECS = [
  {
    code: 'DSD01',
    name: 'Demo Spa Downtown',
    city: 'Seattle',
    street: '1201 3rd Ave',
    zip: '98101',
    lat: 47.6076,
    lng: -122.3364,
  },
  {
    code: 'DSL02',
    name: 'Demo Spa Lakeside',
    city: 'Bellevue',
    street: '500 Bellevue Way NE',
    zip: '98004',
    lat: 47.6163,
    lng: -122.2007,
  },
  {
    code: 'DSA03',
    name: 'Demo Spa Airport',
    city: 'SeaTac',
    street: '17801 International Blvd',
    zip: '98158',
    lat: 47.4435,
    lng: -122.2961,
  },
] as const;

export const CENTERS = CENTER_SPECS.map((s, i) => ({
  id: stableGuid(`center:${s.code}`),
  code: s.code,
  name: s.name,
  display_name: s.name,
  description: `${s.name}: massages, facials, nails and hair in ${s.city}.`,
  online_booking_start_date: '2021-01-04T00:00:00',
  enable_parallel_services_at_center: i === 0,
  culture_code_at_center: 'en-US',
  zone: { id: 1, name: 'Pacific Northwest' },
  country: { id: 225, code: 'US', name: 'United States' },
  state: { id: 62, code: 'WA', name: 'Washington' },
  location: { latitude: s.lat, longitude: s.lng },
  currency: { id: 148, code: 'USD', symbol: '$' },
  address_info: { address_1: s.street, address_2: null, city: s.city, zip_code: s.zip },
  settings: { catalog_enabled: true, online_booking_enabled: true },
  contact_info: {
    phone_1: { country_code: 1, number: `20655501${i}0`, display_number: `(206) 555-01${i}0` },
    phone_2: null,
    email: `${s.code.toLowerCase()}@demo-spa.example.com`,
  },
  phone: `20655501${i}0`,
  time_zone_id: 6,
  currency_id: 148,
  email: `${s.code.toLowerCase()}@demo-spa.example.com`,
}));

export type Center = (typeof CENTERS)[number];

// name, minutes, price
const SERVICE_SPECS: ReadonlyArray<readonly [string, number, number]> = [
  ['Swedish Massage 60 min', 60, 95],
  ['Swedish Massage 90 min', 90, 135],
  ['Deep Tissue Massage 60 min', 60, 110],
  ['Deep Tissue Massage 90 min', 90, 150],
  ['Hot Stone Massage', 75, 130],
  ['Prenatal Massage', 60, 105],
  ['Couples Massage', 60, 200],
  ['Aromatherapy Massage', 60, 115],
  ['Signature Facial', 60, 120],
  ['Hydrating Facial', 50, 105],
  ['Anti-Aging Facial', 75, 160],
  ['Express Facial', 30, 65],
  ['Classic Manicure', 30, 35],
  ['Gel Manicure', 45, 50],
  ['Classic Pedicure', 45, 50],
  ['Spa Pedicure', 60, 70],
  ["Women's Haircut", 60, 75],
  ["Men's Haircut", 30, 45],
  ['Blowout', 45, 55],
  ['Single Process Color', 90, 110],
  ['Full Highlights', 120, 180],
  ['Eyebrow Wax', 15, 22],
  ['Full Leg Wax', 45, 80],
  ['Body Scrub', 45, 90],
  ['Seaweed Body Wrap', 60, 125],
];

const TAX_RATE = 0.101;

function servicesOf(center: Center) {
  return SERVICE_SPECS.map(([name, duration, price], i) => {
    const tax = round2(price * TAX_RATE);
    return {
      id: stableGuid(`service:${center.code}:${i}`),
      code: `SV${String(i + 1).padStart(3, '0')}`,
      name,
      description: `${name} at ${center.name}.`,
      duration,
      recovery_time: duration >= 60 ? 15 : 0,
      is_couple_service: name.startsWith('Couples'),
      price_info: {
        currency_id: 148,
        sale_price: price,
        tax_id: stableGuid('tax:WA-sales'),
        ssg: false,
        include_tax: false,
        demand_group_id: null,
        tax,
        price_without_tax: price,
        final_price: round2(price + tax),
      },
      additional_info: null,
      catalog_info: null,
      variants_info: null,
      add_ons_info: null,
      image_paths: null,
      parallel_groups: null,
      parallel_service_groups: null,
      prerequisites_info: null,
      finishing_services_info: null,
    };
  });
}

export const SERVICES_BY_CENTER: ReadonlyMap<string, ReturnType<typeof servicesOf>> = new Map(
  CENTERS.map((c) => [c.id, servicesOf(c)]),
);

const FIRST = [
  'Carol',
  'David',
  'Erin',
  'Frank',
  'Grace',
  'Henry',
  'Isla',
  'Jack',
  'Kara',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Priya',
];
const LAST = [
  'Chen',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jones',
  'Kim',
  'Lopez',
  'Murphy',
  'Nguyen',
  'Okafor',
  'Patel',
];

function guest(index: number, id: string, first: string, last: string, email: string) {
  const center = CENTERS[index % CENTERS.length] as Center;
  const digits = String(2065550200 + index);
  return {
    id,
    code: `G${String(index + 1).padStart(4, '0')}`,
    center_id: center.id,
    personal_info: {
      user_name: email,
      first_name: first,
      last_name: last,
      middle_name: null,
      email,
      mobile_phone: { country_code: 1, number: digits },
      work_phone: null,
      home_phone: null,
      gender: index % 2 === 0 ? 1 : 0,
      date_of_birth: `19${70 + (index % 30)}-0${1 + (index % 9)}-1${index % 10}T00:00:00`,
      is_minor: false,
      nationality_id: -1,
      anniversary_date: null,
      lock_guest_custom_data: false,
      pan: null,
    },
    address_info: {
      address_1: `${100 + index * 7} Pine St`,
      address_2: null,
      city: center.address_info.city,
      country_id: 225,
      state_id: 62,
      state_other: null,
      zip_code: center.address_info.zip_code,
    },
    preferences: {
      receive_transactional_email: true,
      receive_transactional_sms: index % 3 !== 0,
      receive_marketing_email: index % 2 === 0,
      receive_marketing_sms: false,
      recieve_lp_stmt: true,
      preferred_therapist: null,
    },
    tags: index % 4 === 0 ? ['vip'] : [],
    referral: { referral_source: null, referred_by: null },
    primary_employee: null,
  };
}

const [alice, bob] = DEMO_CREDENTIALS.guests;

export const GUESTS = [
  guest(0, alice.guestId, 'Alice', 'Anderson', alice.username),
  guest(1, bob.guestId, 'Bob', 'Brown', bob.username),
  ...Array.from({ length: 28 }, (_, k) => {
    const first = FIRST[k % FIRST.length] as string;
    const last = LAST[(k * 5) % LAST.length] as string;
    return guest(
      k + 2,
      stableGuid(`guest:${k + 2}`),
      first,
      last,
      `${first}.${last}${k + 2}@example.com`.toLowerCase(),
    );
  }),
];

export type Guest = (typeof GUESTS)[number];
