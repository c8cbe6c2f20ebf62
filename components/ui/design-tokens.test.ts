import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import Color from 'colorjs.io';
import { describe, expect, it } from 'vitest';

/**
 * The palette is fixed at the tokens of app/globals.css: this checks the pairs WCAG 2.2 AA
 * asks about in both themes, and that no component bypasses the tokens.
 */

const root = new URL('../..', import.meta.url).pathname;
const css = readFileSync(join(root, 'app/globals.css'), 'utf8');

function tokensIn(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--color-([a-z-]+):\s*([^;]+);/g)].map((match) => [match[1]!, match[2]!.trim()]));
}

const lightBlock = /@theme\s*{([\s\S]*?)\n}/.exec(css)?.[1] ?? '';
const darkBlock = /:root\[data-theme='dark'\]\s*{([\s\S]*?)\n}/.exec(css)?.[1] ?? '';
const light = tokensIn(lightBlock);
const dark = { ...light, ...tokensIn(darkBlock) };
const themes = { light, dark };

/** What the browser paints: the colour in sRGB (clipped as Chromium does), 8 bits a channel. */
function painted(value: string): Color {
  const color = new Color(value).to('srgb').toGamut({ method: 'clip' });
  return new Color('srgb', color.coords.map((channel) => Math.round((channel ?? 0) * 255) / 255) as [number, number, number]);
}

const contrast = (tokens: Record<string, string>, fg: string, bg: string) => painted(tokens[fg]!).contrast(painted(tokens[bg]!), 'WCAG21');

const tones = ['neutral', 'info', 'success', 'warning', 'danger', 'special'];
const surfaces = ['canvas', 'surface', 'surface-muted', 'sunken'];

/** [foreground, background, minimum ratio]: text 4.5:1, user-interface parts and focus 3:1 (WCAG 1.4.3, 1.4.11). */
const pairs: [string, string, number][] = [
  ...surfaces.flatMap((bg) => ['fg', 'muted', 'accent', ...tones.filter((tone) => tone !== 'neutral')].map((fg): [string, string, number] => [fg, bg, 4.5])),
  ...tones.map((tone): [string, string, number] => [tone, `${tone}-soft`, 4.5]),
  ['on-primary', 'primary', 4.5],
  ['on-primary', 'primary-hover', 4.5],
  ['on-danger', 'danger-solid', 4.5],
  ['fg', 'surface-muted', 4.5],
  ...['canvas', 'surface', 'surface-muted'].flatMap((bg) => ['focus', 'control'].map((fg): [string, string, number] => [fg, bg, 3])),
  ...['success-solid', 'danger-solid', 'info-solid'].map((fg): [string, string, number] => [fg, 'surface', 3]),
];

describe('the palette tokens', () => {
  it('are read from app/globals.css for both themes', () => {
    expect(Object.keys(light).length).toBeGreaterThan(30);
    expect(Object.keys(tokensIn(darkBlock)).length).toBeGreaterThan(30);
    // Every token the dark theme sets exists in the light one, and the other way round (but the fixed ones).
    expect(Object.keys(tokensIn(darkBlock)).sort()).toEqual(Object.keys(light).filter((name) => !['transparent', 'current'].includes(name)).sort());
  });

  it('have names no Tailwind utility uses for something else (ring-inset, text-left, border-solid)', () => {
    const reserved = ['inset', 'left', 'right', 'center', 'justify', 'start', 'end', 'solid', 'dashed', 'dotted', 'double', 'none', 'hidden', 'clip', 'ellipsis', 'wrap', 'nowrap', 'balance', 'pretty', 'auto', 'offset', 'x', 'y', 't', 'b', 'l', 'r', 's', 'e', 'xs', 'sm', 'md', 'lg', 'xl', 'base', 'thin', 'normal', 'medium', 'bold'];
    expect(Object.keys(light).filter((name) => reserved.includes(name))).toEqual([]);
  });

  for (const [theme, tokens] of Object.entries(themes)) {
    it.each(pairs)(`${theme}: %s on %s reaches %s:1`, (fg, bg, minimum) => {
      expect(contrast(tokens, fg, bg)).toBeGreaterThanOrEqual(minimum);
    });
  }
});

const palette = 'slate|gray|zinc|neutral|stone|red|orange|amber|yellow|lime|green|emerald|teal|cyan|sky|blue|indigo|violet|purple|fuchsia|pink|rose';
const colorUtility = 'text|bg|ring|border|divide|outline|fill|stroke|accent|decoration|placeholder|from|via|to|shadow|caret|ring-offset';
const rawColor = new RegExp(`(?<![\\w-])(?:[a-z-]+:)*(?:${colorUtility})-(?:(?:${palette})-\\d{2,3}|white|black)(?:/\\d+)?(?![\\w-])`, 'g');
const darkVariant = /(?<![\w-])dark:[\w-]+/g;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('components use the tokens', () => {
  const files = [...sources('components'), ...sources('app')];

  it('finds the dashboard sources', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain(join('components', 'ui', 'button.tsx'));
  });

  it('no raw palette colour (text-slate-500, bg-white) and no dark: variant anywhere', () => {
    const found = files.flatMap((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return [...text.matchAll(rawColor), ...text.matchAll(darkVariant)].map((match) => `${relative('.', file)}: ${match[0]}`);
    });
    expect(found).toEqual([]);
  });

  it('the check would catch one', () => {
    expect('className="text-slate-500 hover:bg-teal-700/50 bg-white"'.match(rawColor)).toEqual(['text-slate-500', 'hover:bg-teal-700/50', 'bg-white']);
    expect('dark:bg-slate-900'.match(darkVariant)).toEqual(['dark:bg-slate-900']);
    expect('text-muted bg-primary text-sm ring-1 border-b'.match(rawColor)).toBeNull();
  });
});
