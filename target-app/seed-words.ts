import { prng } from '../common/prng.js';

/** The words seeded product names are made of, shared by the monolith's seed and the services'. */
export const ADJECTIVES: readonly string[] = [
  'Red',
  'Quiet',
  'Rapid',
  'Solid',
  'Bright',
  'Tiny',
  'Grand',
  'Smart',
  'Soft',
  'Vintage',
];
export const NOUNS: readonly string[] = [
  'Lamp',
  'Chair',
  'Kettle',
  'Backpack',
  'Keyboard',
  'Mug',
  'Desk',
  'Speaker',
  'Notebook',
  'Jacket',
];

const FEATURES: readonly string[] = [
  'It is made to last through years of daily use, with parts that can be replaced rather than thrown away.',
  'Every unit is checked by hand before it leaves the workshop, and the finish is sealed against stains.',
  'The materials are sourced from suppliers we have worked with for a decade, and the packaging is recycled.',
  'Cleaning takes a damp cloth and a minute; no special products are needed, and nothing to assemble.',
  'It ships flat in a single box, arrives within three working days, and comes with a two-year warranty.',
  'Customers tell us it is the one thing they would buy again, and most of our sales come from their advice.',
  'The design was refined over four prototypes, each tested by people who use one every day at work.',
  'Spare parts stay available for ten years after the last unit is sold, at the price they cost us.',
];

/**
 * A seeded product's description: about 1.5 kB of prose, like a real shop's
 * copy, so reading it costs something. The optimization lab's select_star
 * flag fetches it for product listings that never show it. Drawn from a
 * stream of its own (seeded by the product id), so the seed's other values
 * do not depend on it.
 */
export function productDescription(id: number, name: string, rand = prng(id)): string {
  const parts = [
    `The ${name.toLowerCase()} is our answer to a simple question: what would you keep for good?`,
  ];
  while (parts.join(' ').length < 1_400) parts.push(FEATURES[Math.floor(rand() * FEATURES.length)] as string);
  return parts.join(' ');
}
