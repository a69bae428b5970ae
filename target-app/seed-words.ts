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
