/**
 * Prompts for honest calibration runs and the detection bench: the kind of text the network's
 * small story models are asked to continue, varied in opening, subject and punctuation so the
 * measured spread is not one prompt's.
 */
export const CALIBRATION_PROMPTS: readonly string[] = [
  "Once upon a time, there was a little",
  "One day, a boy named Tom went to the park and",
  "Lily had a red ball. She liked to",
  "The sun was shining and the birds were singing. A small dog",
  'Mom said, "Do not touch the hot stove." But Ben',
  "In a big forest, there lived a wise old owl who",
  "Sara wanted to bake a cake for her friend. First, she",
  "The cat saw a mouse under the table and",
  "It was a rainy day, so Max and his sister stayed inside and",
  "Tim found a shiny key in the garden. He wondered",
  "There was a big truck that could",
  "Anna and her dad went to the beach. They",
  "The little bird could not fly yet, so",
  "Every night, Jack looked at the stars and",
  "A kind girl named Sue saw a sad frog by the pond.",
  "The king had a magic box that",
  "Once there was a fish who wanted to see the sky.",
  "Ben and Mia built a tall tower of blocks. Then",
  "The old man gave the children a map and said,",
  "Sam was scared of the dark, but one night",
  "Grandma made soup and the whole family",
  "A yellow duck swam across the lake to",
  'The teacher asked the class, "Who can tell me',
  "Lucy lost her favorite toy. She looked everywhere and",
];

/**
 * Sentences put before a prompt to make more distinct tasks than there are prompts: greedy output
 * depends only on the prompt, so 200 tasks need 200 different prompts, not 200 seeds.
 */
export const PROMPT_OPENERS: readonly string[] = [
  "",
  "It was a sunny day. ",
  "The wind was cold. ",
  "Everyone was happy that morning. ",
  "It was the first day of spring. ",
  "The house was very quiet. ",
  "Snow fell all night. ",
  "The park was full of children. ",
  "A bell rang far away. ",
  "It was almost time for bed. ",
];
