/**
 * Realistic chat bodies, generated deterministically: mostly short English,
 * some long messages, Chinese and Japanese without spaces, emoji, and mixed
 * messages. A few words are planted at known rates so that search queries
 * have rare and common targets.
 */
import { pick, type Random } from '../../test/kit/random'

const ENGLISH = (
  'the to you I a and it is that for of on in be have we this are do not just with at can what so was will ' +
  'me my get know but your if all like about up out now think good going one time they there when how would ' +
  'see yes ok no here got go then well need today meeting tomorrow thanks lunch call work back really right ' +
  'still sure let want maybe night later project review deploy office coffee weekend plan team update send ' +
  'file check doc idea look great sounds fine sorry late morning afternoon week next last train home done ' +
  'build test release bug fix merge branch ticket agenda slides budget client demo feedback draft schedule'
).split(' ')

const CHINESE = [
  '我们周末去爬山吧',
  '明天开会讨论一下',
  '好的没问题',
  '你吃饭了吗',
  '今天天气真好',
  '这个项目下周上线',
  '周末愉快',
  '我在路上马上到',
  '谢谢你的帮助',
  '晚上一起吃火锅',
  '文件已经发给你了',
  '请确认一下时间',
  '哈哈哈太好笑了',
  '下班了吗',
]

const JAPANESE = [
  '明日東京に行きます',
  'ありがとうございます',
  'よろしくお願いします',
  '今日は忙しいです',
  '会議は三時からです',
  'お疲れさまでした',
  'すみません遅れます',
  '週末は京都に行く予定',
]

const EMOJI = ['🎉', '😂', '👍', '❤️', '🙏', '😅', '🔥', '👨‍👩‍👧', '🚀', '☕']

/** Planted at known rates: one message in 10,000 has the rare word. */
export const RARE_WORD = 'xylophone'
const RARE_RATE = 1 / 10_000

/** Zipf-like: early items are much more frequent than late ones, as words in chat are. */
const pickZipf = <T>(random: Random, items: readonly T[]): T => items[Math.floor(items.length * random() ** 2.5)] as T

function englishSentence(random: Random, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(pickZipf(random, ENGLISH))
  const sentence = out.join(' ')
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

/** Words in an English message: mostly short, a tail of long ones (up to ~600 words, ≤ 4,000 chars). */
function englishLength(random: Random): number {
  const r = random()
  if (r < 0.6) return 2 + Math.floor(random() * 10)
  if (r < 0.9) return 12 + Math.floor(random() * 30)
  if (r < 0.98) return 40 + Math.floor(random() * 110)
  return 150 + Math.floor(random() * 450)
}

export function messageBody(random: Random): string {
  const kind = random()
  let body: string
  if (kind < 0.68) body = englishSentence(random, englishLength(random))
  else if (kind < 0.8) body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, CHINESE)).join('，')
  else if (kind < 0.86) body = Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(random, JAPANESE)).join('。')
  else if (kind < 0.92) body = `${englishSentence(random, 2 + Math.floor(random() * 8))} ${pick(random, CHINESE)}`
  else if (kind < 0.95) body = pick(random, EMOJI).repeat(1 + Math.floor(random() * 3))
  else body = `${englishSentence(random, 3 + Math.floor(random() * 10))} ${pick(random, EMOJI)}`
  if (random() < 0.05) body += ` ${pick(random, EMOJI)}`
  if (random() < RARE_RATE) body += ` ${RARE_WORD}`
  return body.slice(0, 4_000)
}
