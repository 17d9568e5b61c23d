/**
 * Colours by meaning, not by name: components ask for `error` or `muted` and the theme decides what that looks like on
 * this terminal. Ink's own chalk already lowers colours to what the terminal supports (and drops them when it supports
 * none); NO_COLOR (https://no-color.org) is honoured here because chalk does not read it.
 */
export type Tone = 'error' | 'warning' | 'ok' | 'muted' | 'accent' | 'plain';

export interface Theme {
  /** the Ink colour of a tone; undefined means the terminal's default */
  color(tone: Tone): string | undefined;
  colored: boolean;
}

const PALETTE: Readonly<Record<Tone, string | undefined>> = {
  error: 'red',
  warning: 'yellow',
  ok: 'green',
  muted: 'gray',
  accent: 'cyan',
  plain: undefined,
};

/** The theme for an environment: NO_COLOR set to anything non-empty turns colours off. */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  const colored = !(typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '');
  return {
    colored,
    color: (tone) => (colored ? PALETTE[tone] : undefined),
  };
}
