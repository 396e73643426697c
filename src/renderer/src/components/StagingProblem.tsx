/** Why files were not added to the composer (store/staged.ts), in words that say what to do. */
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { formatFileSize } from '../lib/file-size'
import type { StagingProblem } from '../store/staged'

export function StagingProblemText({ problem }: { problem: StagingProblem | undefined }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  if (problem === undefined) return null
  if (problem.kind === 'tooMany') return <>{t('attachments.tooMany', { max: problem.max })}</>
  if (problem.kind === 'tooLarge') {
    const name = problem.name || t('attachments.file')
    if (problem.max === null) return <>{t('attachments.tooLargeForServer', { name })}</>
    return <>{t('attachments.tooLarge', { name, max: typeof problem.max === 'number' ? formatFileSize(problem.max, locale) : problem.max })}</>
  }
  if (problem.name === '') return <>{t('attachments.failedPicker', { message: problem.message })}</>
  return <>{t('attachments.failed', { name: problem.name, message: problem.message })}</>
}
