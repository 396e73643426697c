/**
 * The colour tokens of styles/theme.css against WCAG 2.1 AA (issue 22,
 * docs/accessibility.md): every text token on every background token, and
 * text on each fill, in the light and the dark theme. The e2e accessibility
 * spec sees only the screens it walks; this sees every pair a rule may make.
 */
import { describe, expect, it } from 'vitest'
import { contrastRatio } from './contrast'

interface NodeFs {
  readFileSync(path: URL, encoding: 'utf8'): string
}

/** theme.css as text (vitest runs in Node; the renderer's tsconfig has no Node types, hence the untyped import). */
async function themeCss(): Promise<string> {
  const fs = (await import(/* @vite-ignore */ ['node', 'fs'].join(':'))) as NodeFs
  return fs.readFileSync(new URL('../styles/theme.css', import.meta.url), 'utf8')
}

type Theme = 'light' | 'dark'

/** `--name: light-dark(#light, #dark)` or `--name: #both` → the hex colour per theme (tokens with alpha are left out). */
function parseTokens(css: string): Record<Theme, Map<string, string>> {
  const tokens = { light: new Map<string, string>(), dark: new Map<string, string>() }
  const root = /:root\s*\{([^}]*)\}/.exec(css.replace(/\/\*[\s\S]*?\*\//g, ''))?.[1] ?? ''
  for (const [, name, value] of root.matchAll(/(--[\w-]+):\s*([^;]+);/g)) {
    const pair = /^light-dark\((#[0-9a-f]{3,6}),\s*(#[0-9a-f]{3,6})\)$/i.exec(value!.trim())
    const single = /^(#[0-9a-f]{3,6})$/i.exec(value!.trim())
    if (pair) {
      tokens.light.set(name!, pair[1]!)
      tokens.dark.set(name!, pair[2]!)
    } else if (single) {
      tokens.light.set(name!, single[1]!)
      tokens.dark.set(name!, single[1]!)
    }
  }
  return tokens
}

const TEXT = ['--text', '--text-muted', '--text-faint', '--accent', '--danger', '--online-text']
const BACKGROUNDS = ['--bg', '--bg-sidebar', '--bg-elevated', '--bg-hover', '--bg-selected', '--bg-input', '--bg-conversation', '--bubble-other']
/** [text, fill]: text on a fill of its own; `#ffffff` is the white app.css writes on --danger-fill. */
const ON_FILLS: [string, string][] = [
  ['--accent-text', '--accent-fill'],
  ['--accent-text', '--accent-fill-hover'],
  ['--bubble-own-text', '--bubble-own'],
  ['--bubble-own-meta', '--bubble-own'],
  ['--bubble-other-text', '--bubble-other'],
  ['--mention-accent-text', '--mention-accent'],
  ['#ffffff', '--danger-fill'],
  ['--danger', '--danger-bg'],
  ['--warning-text', '--warning-bg'],
  ['--mark-text', '--mark'],
  ['--bg', '--text-muted'],
]
/** Icons that carry meaning, 3:1: read ticks in my bubble; the presence dot on the ring of background round it (--presence-ring in app.css). */
const ICONS: [string, string][] = [
  ['--read', '--bubble-own'],
  ...['--online', '--offline'].flatMap((dot) => ['--bg', '--bg-sidebar', '--bg-selected', '--bg-elevated'].map((ring): [string, string] => [dot, ring])),
]

describe('theme tokens', async () => {
  const tokens = parseTokens(await themeCss())

  for (const theme of ['light', 'dark'] as const) {
    const colour = (token: string) => {
      if (token.startsWith('#')) return token
      const value = tokens[theme].get(token)
      if (value === undefined) throw new Error(`${token} is not a solid colour in theme.css`)
      return value
    }
    const below = (pairs: [string, string][], minimum: number) =>
      pairs
        .map(([text, bg]) => ({ text, bg, ratio: contrastRatio(colour(text), colour(bg)) }))
        .filter(({ ratio }) => ratio < minimum)
        .map(({ text, bg, ratio }) => `${text} on ${bg}: ${ratio.toFixed(2)}`)

    it(`${theme}: every text token reaches 4.5:1 on every background token`, () => {
      expect(below(TEXT.flatMap((text) => BACKGROUNDS.map((bg): [string, string] => [text, bg])), 4.5)).toEqual([])
    })

    it(`${theme}: text on a fill reaches 4.5:1, meaningful icons 3:1`, () => {
      expect(below(ON_FILLS, 4.5)).toEqual([])
      expect(below(ICONS, 3)).toEqual([])
    })
  }

  it('reads the tokens it checks', () => {
    expect(tokens.light.get('--text-faint')).toMatch(/^#/)
    expect(tokens.dark.get('--accent-fill')).toMatch(/^#/)
    expect(tokens.light.size).toBeGreaterThan(25)
  })
})
