import { describe, expect, it } from 'vitest'
import { spacedByScript } from './script-spacing'

const added = (actor: string, people: string) => spacedByScript({ actor, people }, (v) => `${v.actor}添加了${v.people}`)

describe('spacedByScript', () => {
  it('puts a space where a Latin name meets Chinese text, and none between Chinese and Chinese', () => {
    expect(added('Alice', 'Bob')).toBe('Alice 添加了 Bob')
    expect(added('你', 'Bob')).toBe('你添加了 Bob')
    expect(added('Alice', '你')).toBe('Alice 添加了你')
    expect(added('张三', '李四')).toBe('张三添加了李四')
    expect(added('R2', '王五')).toBe('R2 添加了王五')
  })

  it('looks only at the edges of each value, and leaves punctuation, emoji and the value itself alone', () => {
    expect(added('Alice', 'Bob和Carol')).toBe('Alice 添加了 Bob和Carol')
    expect(added('🌸', 'Bob')).toBe('🌸添加了 Bob')
    expect(spacedByScript({ title: 'Q3' }, (v) => `将群组名称改为“${v.title}”`)).toBe('将群组名称改为“Q3”')
    expect(spacedByScript({ actor: '张三', title: 'Q3 计划' }, (v) => `${v.actor}将名称改为${v.title}`)).toBe('张三将名称改为 Q3 计划')
  })

  it('changes nothing in a template that already spaces its words', () => {
    expect(spacedByScript({ actor: 'Alice', people: '张三' }, (v) => `${v.actor} added ${v.people}`)).toBe('Alice added 张三')
    expect(spacedByScript({ actor: 'You' }, (v) => `${v.actor} left`)).toBe('You left')
  })

  it('puts values in as they are, even ones that look like its own marks', () => {
    expect(spacedByScript({ a: '\u00001\u0000', b: 'x' }, (v) => `${v.a}-${v.b}`)).toBe('\u00001\u0000-x')
    expect(spacedByScript({ a: '' }, (v) => `[${v.a}]`)).toBe('[]')
  })
})
